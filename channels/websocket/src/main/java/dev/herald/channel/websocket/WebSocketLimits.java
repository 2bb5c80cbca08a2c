package dev.herald.channel.websocket;

/** API Gateway's WebSocket limits that Herald designs around. */
public final class WebSocketLimits {

    /** API Gateway's maximum WebSocket message size, in either direction: 128 KB. */
    public static final int MAX_MESSAGE_BYTES = 128 * 1024;

    /**
     * The largest in-app item Herald sends. It leaves room for the {@code sync} reply's envelope, so that any item
     * that can be sent live can also be returned by a sync.
     */
    public static final int MAX_ITEM_BYTES = MAX_MESSAGE_BYTES - 1024;

    private WebSocketLimits() {
    }
}
