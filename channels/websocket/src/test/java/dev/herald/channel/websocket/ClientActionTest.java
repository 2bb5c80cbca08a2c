package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientActionTest {

    @Test
    void parse_sync_withAndWithoutCursor() {
        assertThat(ClientAction.parse("{\"action\":\"sync\"}")).isEqualTo(new ClientAction.Sync(null, ClientAction.DEFAULT_SYNC_LIMIT));
        assertThat(ClientAction.parse("{\"action\":\"sync\",\"since\":null}")).isEqualTo(new ClientAction.Sync(null, 50));
        assertThat(ClientAction.parse("{\"action\":\"sync\",\"since\":\"c1\",\"limit\":10}")).isEqualTo(new ClientAction.Sync("c1", 10));
    }

    @Test
    void parse_readAndAck() {
        assertThat(ClientAction.parse("{\"action\":\"read\",\"id\":\"n1/t\"}")).isEqualTo(new ClientAction.Read("read", "n1/t"));
        assertThat(ClientAction.parse("{\"action\":\"ack\",\"id\":\"n1/t\"}")).isEqualTo(new ClientAction.Read("ack", "n1/t"));
    }

    @Test
    void parse_ping() {
        assertThat(ClientAction.parse("{\"action\":\"ping\"}")).isEqualTo(new ClientAction.Ping());
    }

    @Test
    void parse_badMessages_sayWhatIsWrong() {
        assertThatThrownBy(() -> ClientAction.parse("")).hasMessageContaining("empty message");
        assertThatThrownBy(() -> ClientAction.parse("{nope")).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> ClientAction.parse("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> ClientAction.parse("{\"id\":1}")).hasMessageContaining("missing \"action\"");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"dance\"}")).hasMessageContaining("unknown action 'dance'");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"read\"}")).hasMessageContaining("needs \"id\"");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"sync\",\"since\":5}")).hasMessageContaining("cursor");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"sync\",\"limit\":1000}")).hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"sync\",\"since\":\"" + "c".repeat(2000) + "\"}")).hasMessageContaining("too long");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"read\",\"id\":\"" + "i".repeat(2000) + "\"}")).hasMessageContaining("too long");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"sync\",\"x\":\"" + "a".repeat(WebSocketLimits.MAX_MESSAGE_BYTES) + "\"}"))
                .isInstanceOf(InvalidActionException.class).hasMessageContaining("the limit is 131072 bytes");
    }

    @Test
    void inboxItemId_roundTripsToTheCallersOwnKey() {
        String id = InboxItem.idOf("evt/with/slashes", "booking.created");

        var key = InboxItem.keyOf(id, "alice").orElseThrow();

        assertThat(key.notificationId()).isEqualTo("evt/with/slashes");
        assertThat(key.typeId()).isEqualTo("booking.created");
        assertThat(key.recipientId()).isEqualTo("alice");
        assertThat(InboxItem.keyOf("no-slash", "alice")).isEmpty();
        assertThat(InboxItem.keyOf("trailing/", "alice")).isEmpty();
    }
}
