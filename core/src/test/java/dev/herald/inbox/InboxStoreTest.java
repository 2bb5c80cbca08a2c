package dev.herald.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InboxStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private DeliveryRepository deliveries;
    private InboxStore inbox;
    private String table;
    private final ExecutorService tabs = Executors.newFixedThreadPool(4);

    @BeforeEach
    void freshTables() {
        table = LocalDynamo.freshTables().deliveries();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        deliveries = new DeliveryRepository(LocalDynamo.client(), table, clock, Duration.ofDays(30));
        inbox = new InboxStore(LocalDynamo.client(), table, clock, deliveries);
    }

    @AfterEach
    void stopTabs() {
        tabs.shutdownNow();
    }

    private static DeliveryKey key(String user, int n) {
        return new DeliveryKey("evt-" + n, "booking.created", Channel.WEBSOCKET, user);
    }

    /** A delivered in-app item, created {@code n} seconds after NOW, as the channel leaves it. */
    private DeliveryKey delivered(String user, int n) {
        DeliveryKey key = key(user, n);
        deliveries.create(Delivery.pending(key, NOW.plusSeconds(n), null));
        deliveries.claim(key);
        inbox.enter(key, DeliveryStatus.SENT, null, "{\"id\":\"evt-" + n + "/booking.created\"}");
        return key;
    }

    @Test
    void enter_countsEachItemOnce_evenWhenClaimedAgainAfterWaiting() {
        // given: one item delivered live, one that waited for a connection and was claimed again by a retry
        delivered("alice", 1);
        DeliveryKey waited = key("alice", 2);
        deliveries.create(Delivery.pending(waited, NOW.plusSeconds(2), null));
        deliveries.claim(waited);
        inbox.enter(waited, DeliveryStatus.PENDING, DeliveryReason.NO_CONNECTION, "{}");
        deliveries.claim(waited);

        // when
        inbox.enter(waited, DeliveryStatus.SENT, null, "{}");

        // then
        assertThat(inbox.counts("alice")).isEqualTo(new InboxStore.Counts(2, 2));
        assertThat(deliveries.find(waited).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        assertThatThrownBy(() -> inbox.enter(waited, DeliveryStatus.SENT, null, "{}")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void actions_moveStatesAndCounts_andRepeatingOneChangesNothing() {
        // given
        DeliveryKey first = delivered("alice", 1);
        DeliveryKey second = delivered("alice", 2);
        DeliveryKey third = delivered("alice", 3);

        // when / then
        assertThat(inbox.apply("alice", InboxAction.SEEN, List.of(first, second)).counts()).isEqualTo(new InboxStore.Counts(3, 1));
        assertThat(inbox.apply("alice", InboxAction.READ, List.of(first)).counts()).isEqualTo(new InboxStore.Counts(2, 1));
        assertThat(inbox.apply("alice", InboxAction.READ, List.of(first)).counts()).isEqualTo(new InboxStore.Counts(2, 1));
        assertThat(deliveries.find(first).orElseThrow().status()).isEqualTo(DeliveryStatus.READ);
        assertThat(inbox.apply("alice", InboxAction.UNREAD, List.of(first)).counts()).isEqualTo(new InboxStore.Counts(3, 1));
        assertThat(deliveries.find(first).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(inbox.apply("alice", InboxAction.ARCHIVE, List.of(third)).counts()).isEqualTo(new InboxStore.Counts(2, 0));
        assertThat(deliveries.find(third).orElseThrow().status()).isEqualTo(DeliveryStatus.ARCHIVED);
        assertThat(inbox.apply("alice", InboxAction.UNARCHIVE, List.of(third)).counts()).isEqualTo(new InboxStore.Counts(3, 0));
        assertThat(inbox.list("alice", InboxView.ALL, null, 10).entries())
                .extracting(e -> e.state().orElseThrow())
                .containsExactly(InboxState.SEEN, InboxState.SEEN, InboxState.SEEN);
    }

    @Test
    void apply_anotherUsersItem_isUnknownAndUntouched() {
        // given
        DeliveryKey alices = delivered("alice", 1);

        // when: bob names alice's delivery, with his own id in the key and with hers
        InboxStore.Outcome asBob = inbox.apply("bob", InboxAction.READ,
                List.of(new DeliveryKey(alices.notificationId(), alices.typeId(), Channel.WEBSOCKET, "bob"), alices));

        // then
        assertThat(asBob.applied()).isEmpty();
        assertThat(asBob.unknown()).hasSize(2);
        assertThat(inbox.counts("alice")).isEqualTo(new InboxStore.Counts(1, 1));
        assertThat(deliveries.find(alices).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void list_eachViewPagesNewestFirst_andLeavesOutItemsNotInTheInbox() {
        // given: five delivered items, one read, one archived, and one still being delivered
        List<DeliveryKey> keys = IntStream.rangeClosed(1, 5).mapToObj(n -> delivered("alice", n)).toList();
        inbox.apply("alice", InboxAction.READ, List.of(keys.get(1)));
        inbox.apply("alice", InboxAction.ARCHIVE, List.of(keys.get(3)));
        deliveries.create(Delivery.pending(key("alice", 6), NOW.plusSeconds(6), null));

        // when
        InboxStore.Page firstPage = inbox.list("alice", InboxView.ALL, null, 2);
        InboxStore.Page secondPage = inbox.list("alice", InboxView.ALL, firstPage.cursor(), 2);
        InboxStore.Page unread = inbox.list("alice", InboxView.UNREAD, null, 10);
        InboxStore.Page archived = inbox.list("alice", InboxView.ARCHIVED, null, 10);

        // then
        assertThat(firstPage.entries()).extracting(e -> e.delivery().notificationId()).containsExactly("evt-5", "evt-3");
        assertThat(firstPage.more()).isTrue();
        assertThat(secondPage.entries()).extracting(e -> e.delivery().notificationId()).containsExactly("evt-2", "evt-1");
        assertThat(unread.entries()).extracting(e -> e.delivery().notificationId()).containsExactly("evt-5", "evt-3", "evt-1");
        assertThat(archived.entries()).extracting(e -> e.delivery().notificationId()).containsExactly("evt-4");
        assertThat(archived.more()).isFalse();
    }

    @Test
    void list_overALongStretchOfItemsNotInTheInbox_movesItsCursorOnAndReachesTheOlderItem() {
        // given: an item, then 30 deliveries still on their way (not in the inbox), then a skipped one (never shown)
        delivered("alice", 1);
        for (int n = 2; n <= 31; n++) {
            deliveries.create(Delivery.pending(key("alice", n), NOW.plusSeconds(n), null));
        }
        deliveries.create(Delivery.outcome(key("alice", 32), DeliveryStatus.SKIPPED, DeliveryReason.OPTED_OUT, NOW.plusSeconds(32)));

        // when: a client pages on while more is true
        List<String> seen = new ArrayList<>();
        List<String> cursors = new ArrayList<>();
        InboxStore.Page page = inbox.list("alice", InboxView.ALL, null, 1);
        for (int pages = 0; pages < 10; pages++) {
            page.entries().forEach(e -> seen.add(e.delivery().notificationId()));
            if (!page.more()) {
                break;
            }
            cursors.add(page.cursor());
            page = inbox.list("alice", InboxView.ALL, page.cursor(), 1);
        }

        // then: every page moved on, and the item came
        assertThat(seen).containsExactly("evt-1");
        assertThat(page.more()).isFalse();
        assertThat(cursors).doesNotHaveDuplicates().doesNotContainNull();
    }

    @Test
    void apply_toAnItemStillBeingSent_waitsBrieflyThenCallsItUnknown() {
        // given: an item pushed live whose channel has not recorded it in the inbox yet
        DeliveryKey sending = key("alice", 1);
        deliveries.create(Delivery.pending(sending, NOW, null));
        deliveries.claim(sending);

        // when
        InboxStore.Outcome outcome = inbox.apply("alice", InboxAction.SEEN, List.of(sending));

        // then
        assertThat(outcome.unknown()).containsExactly(sending);
        assertThat(deliveries.find(sending).orElseThrow().status()).isEqualTo(DeliveryStatus.SENDING);
    }

    @Test
    void readAll_marksEveryUnreadItem_inTransactionsOfAtMostOneHundredWrites() {
        // given: more unread items than one transaction holds
        List<DeliveryKey> keys = IntStream.rangeClosed(1, 130).mapToObj(n -> delivered("alice", n)).toList();
        inbox.apply("alice", InboxAction.ARCHIVE, List.of(keys.getFirst()));

        // when
        InboxStore.ReadAll result = inbox.readAll("alice");

        // then
        assertThat(result.updated()).isEqualTo(129);
        assertThat(result.more()).isFalse();
        assertThat(result.counts()).isEqualTo(new InboxStore.Counts(0, 0));
        assertThat(inbox.list("alice", InboxView.UNREAD, null, 10).entries()).isEmpty();
        assertThat(inbox.readAll("alice").updated()).isZero();
    }

    @Test
    void concurrentActionsFromSeveralTabs_leaveTheCountsExact() throws Exception {
        // given: 40 items, and four tabs that read, unread and archive the same items at once
        List<DeliveryKey> keys = IntStream.rangeClosed(1, 40).mapToObj(n -> delivered("alice", n)).toList();
        List<Callable<Object>> work = new ArrayList<>();
        for (int tab = 0; tab < 4; tab++) {
            InboxAction action = List.of(InboxAction.READ, InboxAction.UNREAD, InboxAction.ARCHIVE, InboxAction.READ).get(tab);
            work.add(() -> {
                for (DeliveryKey key : keys) {
                    inbox.apply("alice", action, List.of(key));
                }
                return null;
            });
        }

        // when
        for (Future<Object> done : tabs.invokeAll(work)) {
            done.get();
        }

        // then: the counts are those of the items' final states
        List<InboxStore.Entry> all = new ArrayList<>(inbox.list("alice", InboxView.ALL, null, 100).entries());
        all.addAll(inbox.list("alice", InboxView.ARCHIVED, null, 100).entries());
        assertThat(all).hasSize(40);
        long unread = all.stream().filter(e -> e.state().orElseThrow().unread()).count();
        long unseen = all.stream().filter(e -> e.state().orElseThrow() == InboxState.UNSEEN).count();
        assertThat(inbox.counts("alice")).isEqualTo(new InboxStore.Counts(unread, unseen));
    }

    @Test
    void unreadSince_goesOldestFirstAfterTheCursor_andIndexesNoOtherChannel() {
        // given
        delivered("u1", 1);
        delivered("u1", 2);
        deliveries.create(Delivery.pending(new DeliveryKey("evt-2", "booking.created", Channel.EMAIL, "u1"), NOW, null));
        delivered("u2", 3);

        // when
        InboxStore.Page all = inbox.unreadSince("u1", null, 10);
        InboxStore.Page afterFirst = inbox.unreadSince("u1", all.entries().getFirst().position(), 10);

        // then
        assertThat(all.entries()).extracting(e -> e.delivery().notificationId()).containsExactly("evt-1", "evt-2");
        assertThat(afterFirst.entries()).extracting(e -> e.delivery().notificationId()).containsExactly("evt-2");
        var indexed = LocalDynamo.client().scan(r -> r.tableName(table).indexName("byRecipient")).items();
        assertThat(indexed).as("the email delivery is not in the index (sparse)").hasSize(3);
    }
}
