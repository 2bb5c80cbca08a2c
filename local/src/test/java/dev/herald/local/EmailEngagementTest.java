package dev.herald.local;

import static dev.herald.testing.RequiredTools.assumeInstalled;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.local.aws.Outbox;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Email engagement on herald local, end to end: the SES stand-in reports each email's delivery to the bus as SES's
 * event destination does, the SES events function moves the delivery to DELIVERED, and with engagement tracking on
 * the dev API's opens and clicks (and the dev UI's buttons for them) move it on to OPENED and CLICKED, never back.
 */
class EmailEngagementTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void sentEmail_becomesDelivered_andStatusShowsIt_butOpensNeedTracking() throws Exception {
        try (HeraldLocal local = LocalFixture.start()) {
            // given: a recipient with an address
            upsert(local, "user-delivered", "delivered@example.com");

            // when: a booking is emailed to them
            String eventId = publishBooking(local, "user-delivered", "BK-D1");

            // then: SES's delivery event moves the email to DELIVERED, and both status views say so
            awaitEmail(local, eventId, DeliveryStatus.DELIVERED);
            JsonNode status = LocalFixture.json(LocalFixture.get(local, "/local/status/" + eventId).body());
            assertThat(status.path("deliveries").findValuesAsText("status")).contains("DELIVERED");
            assertThat(heraldStatus(local, eventId)).containsPattern("booking\\.created +user-delivered +email +DELIVERED");
            assertThat(local.events().recent(100)).anySatisfy(e -> {
                assertThat(e.source()).isEqualTo("aws.ses");
                assertThat(e.detailType()).isEqualTo("Email Delivered");
                assertThat(e.matched()).containsExactly(HeraldLocal.SES_EVENTS);
            });

            // and: without --track-engagement, SES reports no opens, as in an environment without engagementTracking
            String messageId = messageIdTo(local, "delivered@example.com");
            HttpResponse<String> open = LocalFixture.post(local, "/local/outbox/" + messageId + "/open", "");
            assertThat(open.statusCode()).isEqualTo(409);
            assertThat(open.body()).contains("--track-engagement");
            assertThat(email(local, eventId).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }
    }

    @Test
    void withTracking_anOpenThenAClick_moveTheEmailToOpenedThenClicked() throws Exception {
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withEngagementTracking(true))) {
            // given: an email that was delivered
            upsert(local, "user-reader", "reader@example.com");
            String eventId = publishBooking(local, "user-reader", "BK-E1");
            awaitEmail(local, eventId, DeliveryStatus.DELIVERED);
            String messageId = messageIdTo(local, "reader@example.com");

            // when: the recipient opens it
            HttpResponse<String> open = LocalFixture.post(local, "/local/outbox/" + messageId + "/open", "");

            // then
            assertThat(open.statusCode()).as(open.body()).isEqualTo(202);
            awaitEmail(local, eventId, DeliveryStatus.OPENED);

            // when: and follows a link
            HttpResponse<String> click = LocalFixture.post(local, "/local/outbox/" + messageId + "/click",
                    "{\"link\": \"https://x.example/b\"}", "Content-Type", "application/json");

            // then
            assertThat(click.statusCode()).as(click.body()).isEqualTo(202);
            awaitEmail(local, eventId, DeliveryStatus.CLICKED);
            assertThat(LocalFixture.post(local, "/local/outbox/local-no-such-message/open", "").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void withTracking_aClickTwiceAndBeforeTheOpen_endsClicked() throws Exception {
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withEngagementTracking(true))) {
            // given: a delivered email
            upsert(local, "user-clicker", "clicker@example.com");
            String eventId = publishBooking(local, "user-clicker", "BK-E2");
            awaitEmail(local, eventId, DeliveryStatus.DELIVERED);
            String messageId = messageIdTo(local, "clicker@example.com");

            // when: SES reports a click (the open pixel was blocked), the click again, and the open last
            assertThat(LocalFixture.post(local, "/local/outbox/" + messageId + "/click", "").statusCode()).isEqualTo(202);
            awaitEmail(local, eventId, DeliveryStatus.CLICKED);
            assertThat(LocalFixture.post(local, "/local/outbox/" + messageId + "/click", "").statusCode()).isEqualTo(202);
            assertThat(LocalFixture.post(local, "/local/outbox/" + messageId + "/open", "").statusCode()).isEqualTo(202);

            // then: once every SES event is handled, the email is still CLICKED
            LocalFixture.await("the SES events handled", TIMEOUT, () -> sesEventsHandled(local) == 4 && local.inFlight() == 0);
            assertThat(email(local, eventId).status()).isEqualTo(DeliveryStatus.CLICKED);
        }
    }

    @Test
    void devUi_withTracking_opensAnEmailFromTheOutbox_andShowsItOpened(@TempDir Path profile) throws Exception {
        assumeInstalled(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withEngagementTracking(true))) {
            // given: a delivered email in the outbox, and the dev UI open
            upsert(local, "user-ui", "ui@example.com");
            String eventId = publishBooking(local, "user-ui", "BK-UI");
            awaitEmail(local, eventId, DeliveryStatus.DELIVERED);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            try {
                driver.get(local.baseUrl() + "/");

                // when: the open button of the email (the UI redraws its tables as it polls, so a click may miss one)
                LocalFixture.await("the outbox's open button clicked", TIMEOUT, () -> clickOpen(driver));

                // then: the delivery is OPENED, and the deliveries panel says so
                awaitEmail(local, eventId, DeliveryStatus.OPENED);
                LocalFixture.await("OPENED in the deliveries panel", TIMEOUT,
                        () -> !driver.findElements(By.cssSelector("#deliveries td.OPENED")).isEmpty());
            } finally {
                driver.quit();
                service.stop();
            }
        }
    }

    private static boolean clickOpen(WebDriver driver) {
        List<WebElement> buttons = driver.findElements(By.xpath("//section[@id='emails']//button[text()='open']"));
        try {
            if (!buttons.isEmpty()) {
                buttons.getFirst().click();
                return true;
            }
        } catch (StaleElementReferenceException redrawn) {
            // the next poll finds the new row
        }
        return false;
    }

    private static void upsert(HeraldLocal local, String userId, String address) throws InterruptedException {
        LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                "{\"recipientId\":\"" + userId + "\",\"locale\":\"en\",\"email\":\"" + address + "\",\"displayName\":\"Sam\"}");
        LocalFixture.await("the profile of " + userId, TIMEOUT, () -> local.recipients().find(userId).isPresent());
    }

    private static String publishBooking(HeraldLocal local, String userId, String bookingId) {
        return LocalFixture.publish(local, "demo.app", "booking.created",
                "{\"userId\":\"" + userId + "\",\"bookingId\":\"" + bookingId + "\",\"hotelName\":\"Hôtel du Lac\",\"city\":\"Annecy\","
                        + "\"checkIn\":\"2026-12-18\",\"nights\":3,\"guests\":2,\"total\":{\"amount\":612.5,\"currency\":\"EUR\"},"
                        + "\"manageUrl\":\"https://x.example/b\"}");
    }

    /** The booking confirmation's email delivery (its check-in reminder waits). */
    private static Delivery email(HeraldLocal local, String eventId) {
        return local.deliveries().forNotification(eventId).stream()
                .filter(d -> d.typeId().equals("booking.created") && d.channel() == Channel.EMAIL).findFirst().orElseThrow();
    }

    private static void awaitEmail(HeraldLocal local, String eventId, DeliveryStatus status) throws InterruptedException {
        LocalFixture.await("the email of " + eventId + " " + status, TIMEOUT, () -> local.deliveries().forNotification(eventId).stream()
                .anyMatch(d -> d.typeId().equals("booking.created") && d.channel() == Channel.EMAIL && d.status() == status));
    }

    private static String messageIdTo(HeraldLocal local, String address) {
        Optional<Outbox.Email> email = local.outbox().emails().stream().filter(e -> e.to().contains(address)).findFirst();
        return email.orElseThrow().messageId();
    }

    private static long sesEventsHandled(HeraldLocal local) {
        return local.events().recent(100).stream().filter(e -> e.source().equals("aws.ses"))
                .filter(e -> e.steps().stream().anyMatch(s -> s.status().equals("SUCCEEDED"))).count();
    }

    /** What {@code herald status EVENT_ID} prints against this runtime. */
    private static synchronized String heraldStatus(HeraldLocal local, String eventId) {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(HeraldCli.run("status", eventId, "--port", Integer.toString(local.port()))).isZero();
        } finally {
            System.setOut(out);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
