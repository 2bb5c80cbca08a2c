package dev.herald.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.herald.json.Json;
import dev.herald.observability.Correlation;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The one way a Herald Lambda reads its input and writes its output: with Herald's own JSON mapper, so that records
 * and EventBridge field names such as {@code detail-type} read the same in Lambda, herald local and tests. (The
 * Lambda runtime's built-in serializer ignores Jackson annotations.)
 *
 * <p>Subclasses implement {@link #handle}; herald local and tests call it directly with typed values.
 */
public abstract class JsonHandler<I, O> implements RequestStreamHandler {

    private final Class<I> inputType;
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    protected JsonHandler(Class<I> inputType) {
        this.inputType = inputType;
    }

    /**
     * Warms the handler's hot path before a SnapStart snapshot, with reads only (see {@link SnapStartPriming}).
     * The default warms the JSON mapping of the input type.
     */
    protected void prime() {
        try {
            Json.read("{}", inputType);
        } catch (RuntimeException emptyInputRefused) {
            // the mapping's classes are loaded either way
        }
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        I request = read(input);
        // Powertools adds the function name, request id and cold start to every log line; herald local passes no context
        O response = context == null
                ? Correlation.with(correlationId(request), () -> handle(request))
                : PowertoolsLogging.withLogging(context, () -> Correlation.with(correlationId(request), () -> handle(request)));
        if (response != null) {
            output.write(Json.writeBytes(response));
        }
    }

    /** Reads the request; override where the same handler receives more than one envelope shape. */
    protected I read(InputStream input) {
        return Json.read(input, inputType);
    }

    /** Handles one request. Throwing a transient error makes Lambda retry; permanent problems are recorded, not thrown. */
    public abstract O handle(I request);

    /** The id that ties this request's log lines together: the event id. */
    protected abstract String correlationId(I request);
}
