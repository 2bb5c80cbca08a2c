package dev.herald.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionRepositoryTest {

    private ConnectionRepository connections;
    private String table;

    @BeforeEach
    void freshTables() {
        table = LocalDynamo.freshTables().connections();
        connections = new ConnectionRepository(LocalDynamo.client(), table, Clock.systemUTC());
    }

    @Test
    void forUser_listsEveryConnectionOfThatUserOnly() {
        // given
        Instant now = Instant.now();
        connections.put(new Connection("c1", "alice", now));
        connections.put(new Connection("c2", "alice", now));
        connections.put(new Connection("c3", "bob", now));

        // then
        assertThat(connections.forUser("alice")).containsExactlyInAnyOrder("c1", "c2");
        assertThat(connections.forUser("bob")).containsExactly("c3");
    }

    @Test
    void deleteGone_deletesAnEstablishedConnection_butKeepsOneStillWithinItsHandshake() {
        // given
        Instant now = Instant.now();
        connections.put(new Connection("old", "alice", now.minusSeconds(60)));
        connections.put(new Connection("new", "alice", now.minusSeconds(2)));

        // when
        boolean oldDeleted = connections.deleteGone("old", Duration.ofSeconds(10));
        boolean newDeleted = connections.deleteGone("new", Duration.ofSeconds(10));
        boolean missingDeleted = connections.deleteGone("never-there", Duration.ofSeconds(10));

        // then
        assertThat(oldDeleted).isTrue();
        assertThat(newDeleted).isFalse();
        assertThat(missingDeleted).as("nothing to keep").isTrue();
        assertThat(connections.forUser("alice")).containsExactly("new");
    }

    @Test
    void put_setsTtlTwoHoursAfterConnect() {
        // given
        Instant connectedAt = Instant.parse("2026-11-23T10:00:00Z");

        // when
        connections.put(new Connection("c1", "alice", connectedAt));

        // then
        var item = LocalDynamo.client().getItem(r -> r.tableName(table).key(Map.of("connectionId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("c1")))).item();
        assertThat(item.get(HeraldTables.TTL).n()).isEqualTo(Long.toString(connectedAt.plusSeconds(7200).getEpochSecond()));
    }

    @Test
    void find_expiredConnection_isGone() {
        // when
        connections.put(new Connection("old", "alice", Instant.now().minusSeconds(3 * 3600)));

        // then
        assertThat(connections.find("old")).isEmpty();
    }

    @Test
    void delete_returnsWhatWasStored() {
        // given
        connections.put(new Connection("c1", "alice", Instant.now()));

        // then
        assertThat(connections.delete("c1")).hasValueSatisfying(c -> assertThat(c.userId()).isEqualTo("alice"));
        assertThat(connections.delete("c1")).isEmpty();
        assertThat(connections.forUser("alice")).isEmpty();
    }
}
