package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCheckerTest {

    @TempDir
    Path temp;

    @Test
    void shippedTemplates_passTheCheck() {
        // given / when
        List<TemplateProblem> problems = TemplateCheck.run(ShippedTemplates.DIR);

        // then
        assertThat(problems).isEmpty();
    }

    @Test
    void unknownVariable_isReportedWithLineAndTheNameSampleHas() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path subject = dir.resolve("booking.created/fr/email.subject.mustache");
        Files.writeString(subject, "Réservation\n\nconfirmée : {{checkin}}\n");

        // when
        List<TemplateProblem> problems = TemplateCheck.run(dir);

        // then
        assertThat(problems).extracting(Object::toString)
                .containsExactly(subject + ":3: unknown variable {{checkin}}; sample.json has checkIn");
    }

    @Test
    void unknownNestedVariable_namesTheFieldsThatExist() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path body = dir.resolve("booking.created/en/push.body.mustache");
        Files.writeString(body, "{{total.formated}} {{total.amount.nope}} {{recipient.email}}");

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactly(
                body + ":1: unknown variable {{total.formated}}; total has formatted",
                body + ":1: unknown variable {{total.amount.nope}}; add \"nope\" to total.amount in sample.json, or use one of: few, formatted, many, one, other, two, zero",
                body + ":1: unknown variable {{recipient.email}}; add \"email\" to recipient in sample.json, or use one of: displayName, id, locale, timeZone");
    }

    @Test
    void variableInsideSection_resolvesAgainstTheListElementAndOuterScopes() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Files.writeString(dir.resolve("user.signup/sample.json"), """
                {"plan":"Pro","trialEndsAt":"2026-12-31T23:00:00Z","verifyUrl":"https://x","items":[{"name":"a"}],
                 "recipient":{"id":"u","displayName":"N","locale":"en","timeZone":"UTC"}}""");
        Path txt = dir.resolve("user.signup/en/email.txt.mustache");
        Files.writeString(txt, "{{#items}}{{name}} {{plan}}\n{{nam}}{{/items}}{{^items}}none{{/items}}");

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactly(txt + ":2: unknown variable {{nam}}; sample.json has name");
    }

    @Test
    void unclosedSection_isReportedAtTheLineThatOpensIt() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path txt = dir.resolve("booking.created/en/email.txt.mustache");
        Files.writeString(txt, "Hello\n{{#nights.one}}night\n");

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactly(txt + ":2: section {{#nights.one}} is never closed; add {{/nights.one}} where the section ends");
    }

    @Test
    void mismatchedClose_isReported() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path txt = dir.resolve("booking.created/en/email.txt.mustache");
        Files.writeString(txt, "{{#nights.one}}night{{/nights.other}}");

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactly(txt + ":1: closing tag {{/nights.other}} does not match {{#nights.one}} opened on line 1; close {{/nights.one}} first");
    }

    @Test
    void setDelimiter_isRefused() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path html = dir.resolve("booking.created/ar/email.html.mustache");
        Files.writeString(html, "<html dir=\"rtl\">\n{{=<% %>=}}\n<% hotelName %></html>");

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactly(html + ":2: set-delimiter tag {{=<% %>=}} is not supported (SES's Handlebars cannot render it); "
                + "remove it and use the standard {{ }} delimiters");
    }

    @Test
    void partialAndInheritance_areRefused() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path inbox = dir.resolve("booking.created/fr/inbox.mustache");
        Files.writeString(inbox, "{{> footer}}\n{{<layout}}{{/layout}}");

        // when
        List<TemplateProblem> problems = TemplateCheck.run(dir);

        // then
        assertThat(problems).extracting(TemplateProblem::line).containsExactly(1, 2);
        assertThat(problems.get(0).message()).startsWith("partial {{> footer}} is not supported");
        assertThat(problems.get(1).message()).startsWith("template inheritance {{<layout}}");
    }

    @Test
    void missingDefaultLocale_isReported() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        deleteTree(dir.resolve("user.signup/en"));

        // when
        List<TemplateProblem> problems = TemplateCheck.run(dir);

        // then
        assertThat(problems).first().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("user.signup/en"));
            assertThat(p.message()).isEqualTo("type user.signup has no templates for its default locale en (catalog.yaml defaultLocale), so no locale has a fallback");
            assertThat(p.fix()).startsWith("create " + dir.resolve("user.signup/en") + "/ with email.subject.mustache");
        });
    }

    @Test
    void partMissingFromTheDefaultLocale_isReported() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Files.delete(dir.resolve("booking.created/en/push.title.mustache"));

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(TemplateProblem::message).toList();

        // then
        assertThat(problems).contains(
                "part push.title is missing from the default locale en, and no fallback covers it; channel push of booking.created needs it",
                "part push.title exists in ar but not in the default locale en, so recipients in other locales get none");
    }

    @Test
    void rawValue_isRefusedUnlessAllowlisted() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path html = dir.resolve("email.send/en/email.html.mustache");
        Files.writeString(html, "<div>{{{message}}}</div>\n<p>{{&subject}}</p>");

        // when
        List<TemplateProblem> refused = TemplateCheck.run(dir);
        Files.writeString(dir.resolve(TemplateChecker.RAW_ALLOWLIST), """
                # reviewed: the message is sanitized by the sending app
                email.send/en/email.html message
                email.send/*/email.html subject
                """);
        List<TemplateProblem> allowed = TemplateCheck.run(dir);

        // then
        assertThat(refused).extracting(Object::toString).containsExactly(
                html + ":1: raw (unescaped) value {{{message}}} is not allowlisted; use {{message}}, or after review add 'email.send/*/email.html message' to raw-allowlist.txt",
                html + ":2: raw (unescaped) value {{&subject}} is not allowlisted; use {{subject}}, or after review add 'email.send/*/email.html subject' to raw-allowlist.txt");
        assertThat(allowed).isEmpty();
    }

    @Test
    void handlebarsOnlySyntax_isRefused() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path txt = dir.resolve("email.send/fr/email.txt.mustache");
        Files.writeString(txt, "{{#if subject}}x{{/if}}\n{{lookup message 1}}");

        // when
        List<String> messages = TemplateCheck.run(dir).stream().map(TemplateProblem::message).toList();

        // then
        assertThat(messages).anyMatch(m -> m.contains("{{#if subject}} is not a plain variable name"))
                .anyMatch(m -> m.contains("{{lookup message 1}} is not a plain variable name"));
    }

    @Test
    void badLocaleFolderUnknownFileAndStrayType_areReported() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Files.createDirectories(dir.resolve("booking.created/fr_CA"));
        Files.writeString(dir.resolve("booking.created/fr/email.subjet.mustache"), "x");
        Files.createDirectories(dir.resolve("booking.cancelled/en"));

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactlyInAnyOrder(
                dir.resolve("booking.created/fr/email.subjet.mustache") + ": not a template part; template files are named "
                        + "email.subject.mustache, email.html.mustache, email.txt.mustache, push.title.mustache, push.body.mustache, inbox.mustache",
                dir.resolve("booking.created/fr_CA") + ": 'fr_CA' is not a BCP 47 language tag in canonical form; rename the folder to fr-CA",
                dir.resolve("booking.cancelled") + ": templates for 'booking.cancelled', which catalog.yaml does not define; "
                        + "add the type to catalog.yaml or delete the folder (types: booking.created, booking.checkin-reminder, review.posted, message.received, user.signup, email.send)");
    }

    @Test
    void rightToLeftLocale_withoutDirRtl_isReported() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Path html = dir.resolve("user.signup/ar/email.html.mustache");
        Files.writeString(html, Files.readString(html).replace("dir=\"rtl\"", "dir=\"ltr\""));

        // when
        List<String> problems = TemplateCheck.run(dir).stream().map(Object::toString).toList();

        // then
        assertThat(problems).containsExactly(html + ":1: ar is written right to left, but this HTML layout never says dir=\"rtl\"; "
                + "add dir=\"rtl\" lang=\"ar\" to the <html> element (and to layout tables)");
    }

    @Test
    void brokenSample_isReportedWithItsLine() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Files.writeString(dir.resolve("email.send/sample.json"), "{\n  \"subject\": \"x\",\n  oops\n}");

        // when
        List<TemplateProblem> problems = TemplateCheck.run(dir);

        // then
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("email.send/sample.json"));
            assertThat(p.line()).isEqualTo(3);
        });
    }

    @Test
    void report_printsEachProblemAndReturnsExitCode() {
        // given
        var problem = new TemplateProblem(Path.of("t/a.mustache"), 2, "bad", "fix it");
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();

        // when
        int code = TemplateCheck.report(List.of(problem), Path.of("t"), new java.io.PrintStream(out), new java.io.PrintStream(err));

        // then
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("t/a.mustache:2: bad; fix it").contains("1 problem in t");
        assertThat(TemplateCheck.report(List.of(), Path.of("t"), new java.io.PrintStream(out), new java.io.PrintStream(err))).isZero();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
