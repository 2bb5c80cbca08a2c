package dev.herald.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessageSplitterTest {

    private record Batch(String shared, List<String> items) {
    }

    @Test
    void split_keepsEveryItemInOrder_inPartsOfAtMostMaxItems() {
        // given
        List<String> items = IntStream.range(0, 250).mapToObj(i -> "item-" + i).toList();

        // when
        List<String> bodies = MessageSplitter.split(items, 100, part -> new Batch("", part));

        // then
        List<Batch> batches = bodies.stream().map(b -> Json.read(b, Batch.class)).toList();
        assertThat(batches).extracting(b -> b.items().size()).containsExactly(100, 100, 50);
        assertThat(batches.stream().flatMap(b -> b.items().stream()).toList()).isEqualTo(items);
    }

    @Test
    void split_halvesAPartUntilEveryMessageFitsTheQueue() {
        // given: 100 items of 10 KB each would make a 1 MB message
        List<String> items = IntStream.range(0, 100).mapToObj(i -> i + "x".repeat(10_000)).toList();

        // when
        List<String> bodies = MessageSplitter.split(items, 100, part -> new Batch("", part));

        // then
        assertThat(bodies).allSatisfy(body -> assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(QueueLimits.MESSAGE_BYTES));
        assertThat(bodies.stream().mapToInt(b -> Json.read(b, Batch.class).items().size()).sum()).isEqualTo(100);
    }

    @Test
    void split_whenWhatTheItemsShareIsTooLarge_saysHowLargeOneMessageIs() {
        // given
        String shared = "s".repeat(QueueLimits.MESSAGE_BYTES);

        // when / then
        assertThatThrownBy(() -> MessageSplitter.split(List.of("a", "b"), 10, part -> Map.of("shared", shared, "items", part)))
                .isInstanceOfSatisfying(MessageSplitter.MessageTooLargeException.class,
                        e -> assertThat(e.bytes()).isGreaterThan(QueueLimits.MESSAGE_BYTES));
    }
}
