package dev.herald.channel.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.json.Json;
import dev.herald.templates.Rendered;
import dev.herald.templates.TemplateModel;
import dev.herald.templates.TemplatePart;
import dev.herald.templates.TemplateRenderer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Builds the in-app item a recipient sees, from the type's templates in the recipient's locale. Thread-safe. */
public final class InboxItemRenderer {

    private final TemplateRenderer templates;

    public InboxItemRenderer(TemplateRenderer templates) {
        this.templates = templates;
    }

    /**
     * The item for one recipient, or empty when the type has neither an {@code inbox} nor a {@code push.body} part
     * in any locale of the recipient's chain.
     */
    public Optional<InboxItem> render(Dispatch dispatch, DispatchRecipient recipient, Instant createdAt) {
        JsonNode data = dispatch.data() == null ? Json.object() : dispatch.data();
        Map<String, Object> model = TemplateModel.of(data, recipient);
        Optional<String> body = part(dispatch, TemplatePart.INBOX, recipient, model)
                .or(() -> part(dispatch, TemplatePart.PUSH_BODY, recipient, model));
        if (body.isEmpty()) {
            return Optional.empty();
        }
        String title = part(dispatch, TemplatePart.PUSH_TITLE, recipient, model).orElse(null);
        return Optional.of(new InboxItem(InboxItem.idOf(dispatch.notificationId(), dispatch.typeId()), dispatch.typeId(),
                title, body.get(), data, createdAt));
    }

    /** Compiles and renders every template once (SnapStart priming). */
    public void warmUp() {
        templates.warmUp();
    }

    private Optional<String> part(Dispatch dispatch, TemplatePart part, DispatchRecipient recipient, Map<String, Object> model) {
        return templates.render(dispatch.typeId(), part, recipient.locale(), model).map(Rendered::text).map(String::strip);
    }
}
