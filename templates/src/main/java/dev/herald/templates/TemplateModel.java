package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.json.Json;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DecimalStyle;
import java.time.format.FormatStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns template data (JSON) into the model templates render with, adding locale-aware values so that templates
 * stay logic-less. Conventions, applied at any depth of the data:
 *
 * <ul>
 *   <li>An ISO date string ({@code 2026-12-01}) gains {@code .formatted} (medium style), {@code .short},
 *       {@code .long}, {@code .full} and {@code .iso}.</li>
 *   <li>An ISO date-time with an offset ({@code 2026-12-01T15:00:00Z}) is converted to the recipient's time zone and
 *       gains {@code .formatted} (medium date, short time), {@code .date}, {@code .time}, {@code .short},
 *       {@code .long}, {@code .full} and {@code .iso}. Without an offset it is taken as already local.</li>
 *   <li>A number gains {@code .formatted} and one boolean per CLDR plural category ({@code .zero .one .two .few
 *       .many .other}), exactly one of them true, for {@code {{#nights.one}}night{{/nights.one}}}.</li>
 *   <li>An object with a numeric {@code amount} and an ISO 4217 {@code currency} gains {@code .formatted}, e.g.
 *       {@code €1,234.50} or {@code 1 234,50 €}.</li>
 * </ul>
 *
 * The plain value still renders as the event carried it: {@code {{checkIn}}} is {@code 2026-12-01}. A key the data
 * already has is never overwritten.
 *
 * <p>Formatting follows the recipient's locale while it speaks the template's language; when a part falls back to
 * another language (a {@code de} recipient reading the {@code en} template), {@link TemplateRenderer} re-localizes
 * the model for that template's locale, so plural forms and month names match the text around them.
 */
public final class TemplateModel {

    /** The key under which the recipient ({@code id, displayName, locale, timeZone}) joins the data. */
    public static final String RECIPIENT = "recipient";

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern OFFSET_DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern LOCAL_DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");
    private static final Map<String, DateTimeFormatter> FORMATTERS = new ConcurrentHashMap<>();

    private TemplateModel() {
    }

    /**
     * The model for {@code data} as a recipient with {@code locale} (BCP 47) in {@code timeZone} (an IANA zone id)
     * reads it. A null or unknown locale formats in English, a null or unknown zone in UTC.
     */
    public static Map<String, Object> of(JsonNode data, String locale, String timeZone) {
        return new LocalizedModel(data == null ? Json.object() : data, locale, timeZone);
    }

    /**
     * As {@link #of(JsonNode, String, String)}, with the recipient added under {@value #RECIPIENT}:
     * {@code {{recipient.displayName}}}. The address is left out on purpose: templates have no need of it.
     */
    public static Map<String, Object> of(JsonNode data, DispatchRecipient recipient) {
        ObjectNode withRecipient = data != null && data.isObject() ? ((ObjectNode) data).deepCopy() : Json.object();
        ObjectNode r = withRecipient.putObject(RECIPIENT);
        r.put("id", recipient.id());
        r.put("displayName", recipient.displayName());
        r.put("locale", recipient.locale());
        r.put("timeZone", recipient.timeZone());
        return of(withRecipient, recipient.locale(), recipient.timeZone());
    }

    /** The model re-localized for the locale of the template that renders it (see the class comment). */
    static Map<String, Object> forTemplateLocale(Map<String, Object> model, String templateLocale) {
        return model instanceof LocalizedModel localized ? localized.forTemplateLocale(templateLocale) : model;
    }

    /** A model together with what it was built from, so that it can be re-localized. */
    static final class LocalizedModel extends LinkedHashMap<String, Object> {

        private final JsonNode data;
        private final Locale locale;
        private final ZoneId zone;
        private final String timeZone;
        private final Map<String, Map<String, Object>> relocalized = new ConcurrentHashMap<>();

        LocalizedModel(JsonNode data, String locale, String timeZone) {
            this.data = data;
            this.locale = locale(locale);
            this.timeZone = timeZone;
            this.zone = zone(timeZone);
            Object converted = convert(data);
            if (converted instanceof Map<?, ?> map) {
                map.forEach((k, v) -> put((String) k, v));
            }
        }

        Locale locale() {
            return locale;
        }

        Map<String, Object> forTemplateLocale(String templateLocale) {
            Locale target = locale(templateLocale);
            if (target.getLanguage().equals(locale.getLanguage())) {
                return this;
            }
            return relocalized.computeIfAbsent(target.toLanguageTag(), tag -> new LocalizedModel(data, tag, timeZone));
        }

        private Object convert(JsonNode node) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            if (node.isObject()) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    map.put(field.getKey(), convert(field.getValue()));
                }
                addMoney(node, map);
                return map;
            }
            if (node.isArray()) {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(element -> list.add(convert(element)));
                return list;
            }
            if (node.isNumber()) {
                return number(node);
            }
            if (node.isTextual()) {
                return text(node.textValue());
            }
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            return node.asText();
        }

        private void addMoney(JsonNode node, Map<String, Object> map) {
            JsonNode amount = node.get("amount");
            JsonNode currency = node.get("currency");
            if (amount == null || !amount.isNumber() || currency == null || !currency.isTextual()
                    || !CURRENCY_CODE.matcher(currency.textValue()).matches() || map.containsKey("formatted")) {
                return;
            }
            try {
                NumberFormat format = NumberFormat.getCurrencyInstance(locale);
                format.setCurrency(Currency.getInstance(currency.textValue()));
                map.put("formatted", format.format(amount.decimalValue()));
            } catch (IllegalArgumentException unknownCurrency) {
                // not an ISO 4217 code: the object is left as it is, and {{x.formatted}} fails the template check
            }
        }

        private LocalizedValue number(JsonNode node) {
            BigDecimal value = node.decimalValue();
            LocalizedValue number = new LocalizedValue(node.asText());
            NumberFormat format = NumberFormat.getNumberInstance(locale);
            format.setMaximumFractionDigits(Math.max(3, value.scale()));
            number.put("formatted", format.format(value));
            PluralRules.Category category = PluralRules.select(locale.toLanguageTag(), value);
            for (PluralRules.Category c : PluralRules.Category.values()) {
                number.put(c.id(), c == category);
            }
            return number;
        }

        private Object text(String text) {
            try {
                if (DATE.matcher(text).matches()) {
                    LocalDate date = LocalDate.parse(text);
                    LocalizedValue value = new LocalizedValue(text);
                    value.put("formatted", format(date, FormatStyle.MEDIUM, null));
                    value.put("short", format(date, FormatStyle.SHORT, null));
                    value.put("long", format(date, FormatStyle.LONG, null));
                    value.put("full", format(date, FormatStyle.FULL, null));
                    value.put("iso", text);
                    return value;
                }
                boolean offset = OFFSET_DATE_TIME.matcher(text).matches();
                if (offset || LOCAL_DATE_TIME.matcher(text).matches()) {
                    TemporalAccessor local = offset
                            ? OffsetDateTime.parse(text).atZoneSameInstant(zone).toOffsetDateTime()
                            : LocalDateTime.parse(text);
                    LocalizedValue value = new LocalizedValue(text);
                    value.put("formatted", format(local, FormatStyle.MEDIUM, FormatStyle.SHORT));
                    value.put("date", format(local, FormatStyle.MEDIUM, null));
                    value.put("time", format(local, null, FormatStyle.SHORT));
                    value.put("short", format(local, FormatStyle.SHORT, FormatStyle.SHORT));
                    value.put("long", format(local, FormatStyle.LONG, FormatStyle.SHORT));
                    value.put("full", format(local, FormatStyle.FULL, FormatStyle.SHORT));
                    value.put("iso", offset ? DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(local) : text);
                    return value;
                }
            } catch (DateTimeException notADate) {
                // looks like a date but is not one (2026-13-45): it stays a plain string
            }
            return text;
        }

        private String format(TemporalAccessor value, FormatStyle date, FormatStyle time) {
            String key = locale.toLanguageTag() + "|" + date + "|" + time;
            DateTimeFormatter formatter = FORMATTERS.computeIfAbsent(key, k -> {
                DateTimeFormatter f = date == null ? DateTimeFormatter.ofLocalizedTime(time)
                        : time == null ? DateTimeFormatter.ofLocalizedDate(date)
                        : DateTimeFormatter.ofLocalizedDateTime(date, time);
                // digits as the locale writes them, matching NumberFormat (e.g. Arabic-Indic digits for ar)
                return f.withLocale(locale).withDecimalStyle(DecimalStyle.of(locale));
            });
            return formatter.format(value);
        }

        private static Locale locale(String tag) {
            if (tag == null || tag.isBlank()) {
                return Locale.ENGLISH;
            }
            Locale locale = Locale.forLanguageTag(tag.strip().replace('_', '-'));
            return locale.getLanguage().isEmpty() ? Locale.ENGLISH : locale;
        }

        private static ZoneId zone(String timeZone) {
            if (timeZone == null || timeZone.isBlank()) {
                return ZoneOffset.UTC;
            }
            try {
                return ZoneId.of(timeZone.strip());
            } catch (DateTimeException unknownZone) {
                return ZoneOffset.UTC;
            }
        }
    }
}
