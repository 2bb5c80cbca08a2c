package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.InboxAction;
import dev.herald.inbox.InboxView;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientActionTest {

    private static ClientAction action(String body) {
        return ClientAction.parse(body).action();
    }

    @Test
    void parse_sync_withAndWithoutCursor() {
        assertThat(action("{\"action\":\"sync\"}")).isEqualTo(new ClientAction.Sync(null, ClientAction.DEFAULT_SYNC_LIMIT));
        assertThat(action("{\"action\":\"sync\",\"since\":null}")).isEqualTo(new ClientAction.Sync(null, 50));
        assertThat(action("{\"action\":\"sync\",\"since\":\"c1\",\"limit\":10}")).isEqualTo(new ClientAction.Sync("c1", 10));
    }

    @Test
    void parse_readAndAck_takeOneIdOrSeveral() {
        assertThat(action("{\"action\":\"read\",\"id\":\"n1/t\"}"))
                .isEqualTo(new ClientAction.Mark("read", InboxAction.READ, List.of("n1/t"), true));
        assertThat(action("{\"action\":\"ack\",\"id\":\"n1/t\"}"))
                .isEqualTo(new ClientAction.Mark("ack", InboxAction.READ, List.of("n1/t"), true));
        assertThat(action("{\"action\":\"archive\",\"ids\":[\"n1/t\",\"n2/t\",\"n1/t\"]}"))
                .isEqualTo(new ClientAction.Mark("archive", InboxAction.ARCHIVE, List.of("n1/t", "n2/t"), false));
    }

    @Test
    void parse_listCountsReadAllAndPreferences() {
        assertThat(action("{\"action\":\"list\"}")).isEqualTo(new ClientAction.ListItems(InboxView.ALL, null, 20));
        assertThat(action("{\"action\":\"list\",\"filter\":\"archived\",\"cursor\":\"c\",\"limit\":5}"))
                .isEqualTo(new ClientAction.ListItems(InboxView.ARCHIVED, "c", 5));
        assertThat(action("{\"action\":\"counts\"}")).isEqualTo(new ClientAction.Counts());
        assertThat(action("{\"action\":\"read-all\"}")).isEqualTo(new ClientAction.ReadAll());
        assertThat(action("{\"action\":\"preferences.get\"}")).isEqualTo(new ClientAction.PreferencesGet());
        assertThat(action("{\"action\":\"preferences.set\",\"preferences\":{\"locale\":\"fr\"}}"))
                .isInstanceOf(ClientAction.PreferencesSet.class);
    }

    @Test
    void parse_ping_echoesTheRef() {
        ClientAction.Request request = ClientAction.parse("{\"action\":\"ping\",\"ref\":\"r-1\"}");

        assertThat(request.action()).isEqualTo(new ClientAction.Ping());
        assertThat(request.ref()).isEqualTo("r-1");
    }

    @Test
    void parse_refusal_keepsTheRefForTheErrorReply() {
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"dance\",\"ref\":\"r-2\"}"))
                .isInstanceOfSatisfying(InvalidActionException.class, e -> assertThat(e.ref()).isEqualTo("r-2"));
    }

    @Test
    void parse_badMessages_sayWhatIsWrong() {
        assertThatThrownBy(() -> ClientAction.parse("")).hasMessageContaining("empty message");
        assertThatThrownBy(() -> ClientAction.parse("{nope")).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> ClientAction.parse("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> ClientAction.parse("{\"id\":1}")).hasMessageContaining("missing \"action\"");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"dance\"}")).hasMessageContaining("unknown action 'dance'");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"read\"}")).hasMessageContaining("needs \"ids\"");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"sync\",\"since\":5}")).hasMessageContaining("cursor");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"sync\",\"limit\":1000}")).hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"list\",\"filter\":\"starred\"}")).hasMessageContaining("\"archived\"");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"seen\",\"ids\":[]}")).hasMessageContaining("1 to 100 ids");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"preferences.set\"}")).hasMessageContaining("needs \"preferences\"");
        assertThatThrownBy(() -> ClientAction.parse("{\"action\":\"ping\",\"ref\":7}")).hasMessageContaining("\"ref\"");
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
