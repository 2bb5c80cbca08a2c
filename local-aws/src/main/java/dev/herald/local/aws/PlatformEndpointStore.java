package dev.herald.local.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the SNS stand-in keeps its platform endpoints, each a map of attributes ({@code Token}, {@code Enabled},
 * {@code CustomUserData}, {@code application}, {@code platform}) under its ARN: herald local's table, so
 * {@code --data} keeps them, or {@link InMemoryPlatformEndpoints} in tests.
 */
public interface PlatformEndpointStore {

    /** The attribute that holds the endpoint's ARN in what {@link #get} and {@link #list} return. */
    String ARN = "key";

    void put(String arn, Map<String, String> attributes);

    /** The endpoint's attributes, with its ARN under {@link #ARN}. */
    Optional<Map<String, String>> get(String arn);

    void delete(String arn);

    /** Every endpoint, with its ARN under {@link #ARN}. */
    List<Map<String, String>> list();
}
