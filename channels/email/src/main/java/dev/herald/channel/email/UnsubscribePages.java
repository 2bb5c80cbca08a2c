package dev.herald.channel.email;

/**
 * The small HTML pages of the unsubscribe endpoint. Everything put into them is escaped; they load nothing and run
 * no script, so the endpoint's Content-Security-Policy can forbid both. Pure.
 */
final class UnsubscribePages {

    private UnsubscribePages() {
    }

    /** GET: asks for the confirmation that only a POST carries out, since mail scanners follow GET links. */
    static String confirm(UnsubscribeLink link, String category) {
        return page("Unsubscribe", """
                <h1>Unsubscribe from %1$s emails?</h1>
                <p>You will no longer get <strong>%1$s</strong> emails. Other notifications are not affected.</p>
                <form method="post" action="?%2$s">
                  <input type="hidden" name="List-Unsubscribe" value="One-Click">
                  <button type="submit">Unsubscribe</button>
                </form>
                """.formatted(escape(category), escape(link.query())));
    }

    static String unsubscribed(String category) {
        return page("Unsubscribed", """
                <h1>You are unsubscribed</h1>
                <p>You will no longer get <strong>%s</strong> emails.</p>
                """.formatted(escape(category)));
    }

    static String invalidLink() {
        return page("Link no longer valid", """
                <h1>This link is no longer valid</h1>
                <p>This unsubscribe link has expired or was never valid. To choose which emails you get, use the
                notification settings of the app.</p>
                """);
    }

    static String incompleteLink() {
        return page("Incomplete link", """
                <h1>This link is incomplete</h1>
                <p>Part of this unsubscribe link is missing; your mail program may have cut it. Open the link from the
                email again, or use the notification settings of the app.</p>
                """);
    }

    static String critical() {
        return page("Cannot unsubscribe", """
                <h1>These emails cannot be turned off</h1>
                <p>This email was about your account's security or another matter you must be told about, so there is
                no unsubscribing from it.</p>
                """);
    }

    static String methodNotAllowed(String method) {
        return page("Not allowed", """
                <h1>Method not allowed</h1>
                <p>%s is not supported here: open this link (GET) to confirm, or POST to unsubscribe.</p>
                """.formatted(escape(method)));
    }

    static String unavailable() {
        return page("Try again", """
                <h1>Something went wrong</h1>
                <p>Your request could not be recorded just now. Please try again in a moment.</p>
                """);
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex">
                <title>%s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
                button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
                </head>
                <body>
                %s</body>
                </html>
                """.formatted(escape(title), body);
    }
}
