package dev.herald.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code sockets} benchmark's browsers, in a process of their own so that the server's heap is measured without
 * them. Arguments: the WebSocket URL, a file of tokens (one a line, one socket each), and the notification type to
 * count. It connects every socket, prints {@code connected OK FAILED SECONDS HEAP_MIB}, then answers each line on
 * stdin: {@code report} with {@code frames N first MICROS last MICROS repeated R} (wall-clock microseconds, which the
 * benchmark compares with its publish time on the same machine), {@code exit} by closing every socket.
 */
public final class SocketClients {

    private static final int HTTP_CLIENTS = 4;
    private static final int HANDSHAKES_AT_ONCE = 64;

    private static final LongAdder FRAMES = new LongAdder();
    private static final LongAdder REPEATED = new LongAdder();
    private static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong LAST = new AtomicLong();

    private SocketClients() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        List<String> tokens = Files.readAllLines(Path.of(args[1]));
        String marker = "\"type\":\"" + args[2] + "\"";
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < HTTP_CLIENTS; i++) {
            clients.add(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        }
        Semaphore handshakes = new Semaphore(HANDSHAKES_AT_ONCE);
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < tokens.size(); i++) {
            handshakes.acquire();
            sockets.add(clients.get(i % HTTP_CLIENTS).newWebSocketBuilder()
                    .buildAsync(URI.create(url + "?token=" + tokens.get(i)), new Counting(marker))
                    .orTimeout(60, TimeUnit.SECONDS).whenComplete((socket, failure) -> handshakes.release()));
        }
        int ok = 0;
        for (CompletableFuture<WebSocket> socket : sockets) {
            try {
                socket.join();
                ok++;
            } catch (RuntimeException e) {
                // counted as failed below
            }
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("connected %d %d %.1f %d%n", ok, tokens.size() - ok, (System.nanoTime() - started) / 1e9, heap >> 20);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            System.out.printf("frames %d first %d last %d repeated %d%n", FRAMES.sum(), FIRST.get(), LAST.get(), REPEATED.sum());
            System.out.flush();
        }
        sockets.stream().filter(s -> !s.isCompletedExceptionally()).forEach(s -> s.join().abort());
        System.exit(0);
    }

    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    /** One browser: counts the frames of the notification type, and those that came a second time. */
    private static final class Counting implements WebSocket.Listener {
        private final String marker;
        private final StringBuilder partial = new StringBuilder();
        private final AtomicInteger received = new AtomicInteger();

        Counting(String marker) {
            this.marker = marker;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                if (partial.indexOf(marker) >= 0) {
                    long now = epochMicros(Instant.now());
                    if (received.incrementAndGet() == 1) {
                        FRAMES.increment();
                    } else {
                        REPEATED.increment();
                    }
                    FIRST.accumulateAndGet(now, Math::min);
                    LAST.accumulateAndGet(now, Math::max);
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
