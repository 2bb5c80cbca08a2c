package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.herald.testing.RequiredTools.assumeInstalled;

import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * Headless Chromium: {@code <herald-inbox>} on herald local's demo page keeps two tabs of a user in step, catches up
 * after the user was offline, lays Arabic out right to left, and themes light and dark. With
 * {@code -Dherald.screenshots=DIR} it also saves the open panel in both themes, in English and Arabic.
 */
class InboxComponentTest {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Far enough ahead that the booking's check-in reminder waits instead of joining the inbox. */
    private static final String CHECK_IN = "2027-06-18";
    private static final String BOOKINGS_EMAIL = "[part~='switch'][data-category='bookings'][data-channel='email']";

    @BeforeEach
    void chromium() {
        assumeInstalled(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    }

    @Test
    void twoTabsOfOneUser_keepTheSameBadge_throughReadReadAllAndArchive(@TempDir Path first, @TempDir Path second) {
        String user = "user-tabs";
        try (HeraldLocal local = LocalFixture.start(); Browser a = new Browser(first); Browser b = new Browser(second)) {
            // given: tab A is open when two bookings arrive, tab B opens after them, and a third arrives with both open
            String page = "user=" + user + "&token=" + local.token(user, Duration.ofMinutes(10));
            a.open(local, page);
            publishBooking(local, user, "BK-T1", "Hotel One");
            publishBooking(local, user, "BK-T2", "Hotel Two");
            a.untilBadge("2");
            b.open(local, page);
            b.untilBadge("2");
            publishBooking(local, user, "BK-T3", "Hotel Three");
            a.untilBadge("3");
            b.untilBadge("3");

            // when: A reads one
            a.openPanel();
            a.clickOnItem("Hotel One", "item-read");

            // then
            a.untilBadge("2");
            b.untilBadge("2");
            a.until("Hotel One shown read", () -> "read".equals(a.stateOf("Hotel One")) ? true : null);

            // when: A archives an unread one
            a.clickOnItem("Hotel Two", "item-archive");

            // then
            a.untilBadge("1");
            b.untilBadge("1");
            a.until("Hotel Two gone from All", () -> a.stateOf("Hotel Two") == null ? true : null);

            // when: B marks all read
            b.openPanel();
            b.until("B's list", () -> b.items().size() == 2 ? true : null);
            b.part("mark-all-read").click();

            // then: both badges hidden, and A's open list shows every item read
            a.untilBadge("0");
            b.untilBadge("0");
            assertThat(a.part("badge").getDomAttribute("hidden")).isNotNull();
            assertThat(b.part("badge").getDomAttribute("hidden")).isNotNull();
            a.until("A's items all read",
                    () -> "read".equals(a.stateOf("Hotel Three")) && "read".equals(a.stateOf("Hotel One")) ? true : null);
            assertThat(a.part("bell").getDomAttribute("aria-label")).isEqualTo("Notifications, none unread");
        }
    }

    @Test
    void preferences_lockedCategoriesDisabled_aSavedChangeReachesTheOtherTab_andStopsTheNextEmail(@TempDir Path first, @TempDir Path second)
            throws Exception {
        String user = "user-prefs";
        try (HeraldLocal local = LocalFixture.start(); Browser a = new Browser(first); Browser b = new Browser(second)) {
            // given: a user whose app gave Herald an address, and both tabs showing the preferences
            LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                    "{\"recipientId\":\"" + user + "\",\"locale\":\"en\",\"email\":\"prefs@example.com\"}");
            LocalFixture.await("the profile", WAIT, () -> local.recipients().find(user).isPresent());
            String page = "user=" + user + "&token=" + local.token(user, Duration.ofMinutes(10));
            for (Browser tab : List.of(a, b)) {
                tab.open(local, page);
                tab.openPanel();
                tab.part("settings-button").click();
                tab.until("the preferences", () -> tab.inbox().findElements(By.cssSelector("[part~='switch']")).isEmpty() ? null : true);
            }
            WebElement locked = a.inbox().findElement(By.cssSelector("[part~='category'][data-locked='true'] [part~='switch']"));
            assertThat(locked.isEnabled()).isFalse();
            assertThat(a.part("locked-note").getText()).contains("can't be turned off");

            // when: tab A turns bookings' email off, asks for a daily digest and saves
            a.inbox().findElement(By.cssSelector(BOOKINGS_EMAIL)).click();
            a.inbox().findElement(By.cssSelector("[part~='digest'] option[value='daily']")).click();
            a.part("save").click();

            // then: A says it is saved, and B shows the change without reloading
            a.until("saved", () -> "Saved.".equals(a.part("prefs-message").getText()) ? true : null);
            b.until("B to show the change", () -> !b.inbox().findElement(By.cssSelector(BOOKINGS_EMAIL)).isSelected()
                    && "daily".equals(b.part("digest").getDomProperty("value")) ? true : null);

            // when: a booking is confirmed for the user
            String booking = publishBooking(local, user, "BK-PREFS", "Hotel Panel");

            // then: in the inbox, but no email: the recipient turned bookings' email off in the panel
            LocalFixture.await("the booking's email decided", WAIT, () -> bookingEmail(local, booking).filter(d -> d.status().isFinal()).isPresent());
            Delivery email = bookingEmail(local, booking).orElseThrow();
            assertThat(email.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(email.reason()).isEqualTo(DeliveryReason.OPTED_OUT);
            assertThat(local.outbox().emails()).noneMatch(e -> e.to().contains("prefs@example.com"));

            // when: half of the quiet hours is set
            a.script("arguments[0].value = '22:00'", a.part("quiet-start"));
            a.part("save").click();

            // then: the component says what is missing instead of sending it
            a.until("the quiet hours refusal", () -> a.part("prefs-error").getText().contains("Set both times") ? true : null);
        }
    }

    @Test
    void keyboard_opensThePanel_movesBetweenItems_andEscapeReturnsToTheBell(@TempDir Path profile) {
        String user = "user-keys";
        try (HeraldLocal local = LocalFixture.start(); Browser browser = new Browser(profile)) {
            // given
            browser.open(local, "user=" + user + "&token=" + local.token(user, Duration.ofMinutes(10)));
            publishBooking(local, user, "BK-K1", "Hotel Key One");
            publishBooking(local, user, "BK-K2", "Hotel Key Two");
            browser.untilBadge("2");

            // when: Enter on the bell
            browser.part("bell").sendKeys(Keys.ENTER);

            // then: the panel is open and the focus is in it
            browser.until("the panel's list", () -> "true".equals(browser.part("scroll").getDomAttribute("data-loaded")) ? true : null);
            assertThat(browser.part("bell").getDomAttribute("aria-expanded")).isEqualTo("true");
            assertThat(browser.focusedPart()).contains("tab-all");

            // when: down twice
            new Actions(browser.driver).sendKeys(Keys.ARROW_DOWN).sendKeys(Keys.ARROW_DOWN).perform();

            // then: the second item has the focus, and keeps it when a new item arrives above it
            assertThat(browser.focused().getDomAttribute("aria-posinset")).isEqualTo("2");
            String second = browser.focused().getDomAttribute("data-id");
            publishBooking(local, user, "BK-K3", "Hotel Key Three");
            browser.until("the announcement",
                    () -> browser.part("live").getDomProperty("textContent").startsWith("New notification") ? true : null);
            assertThat(browser.focused().getDomAttribute("data-id")).isEqualTo(second);
            assertThat(browser.focused().getDomAttribute("aria-posinset")).isEqualTo("3");

            // when: Escape
            new Actions(browser.driver).sendKeys(Keys.ESCAPE).perform();

            // then
            assertThat(browser.part("panel").getDomAttribute("hidden")).isNotNull();
            assertThat(browser.part("bell").getDomAttribute("aria-expanded")).isEqualTo("false");
            assertThat(browser.focusedPart()).isEqualTo("bell");
        }
    }

    @Test
    void offlineUser_getsWhatWasPublishedMeanwhile_whenThePageOpensAgain(@TempDir Path profile) throws Exception {
        String user = "user-offline";
        try (HeraldLocal local = LocalFixture.start()) {
            String page = "user=" + user + "&token=" + local.token(user, Duration.ofMinutes(10));
            // given: the user had the page open once, then closed it
            try (Browser before = new Browser(profile)) {
                before.open(local, page);
                before.untilBadge("0");
            }
            LocalFixture.await("the closed page's connection to go", WAIT,
                    () -> local.gateway().connections().stream().noneMatch(c -> user.equals(c.userId())));

            // when: two bookings are published while no page is open
            String one = publishBooking(local, user, "BK-O1", "Hotel Away One");
            String two = publishBooking(local, user, "BK-O2", "Hotel Away Two");
            LocalFixture.await("both items to wait for a connection", WAIT, () -> waiting(local, one) && waiting(local, two));

            // then: the page opened again shows them, in the badge, to the app and in the panel
            try (Browser again = new Browser(profile)) {
                again.open(local, page);
                again.untilBadge("2");
                again.until("the app told of both", () -> again.driver.findElements(By.cssSelector("li.notification")).stream()
                        .filter(li -> "sync".equals(li.getDomAttribute("data-source"))).count() == 2 ? true : null);
                again.openPanel();
                again.until("both listed",
                        () -> again.stateOf("Hotel Away One") != null && again.stateOf("Hotel Away Two") != null ? true : null);
                assertThat(again.part("panel").getDomAttribute("hidden")).isNull();
                assertThat(again.part("panel").getDomAttribute("role")).isEqualTo("dialog");
            }
        }
    }

    @Test
    void arabicLocale_laysTheInboxOutRightToLeft(@TempDir Path profile) {
        String user = "user-ar";
        try (HeraldLocal local = LocalFixture.start(); Browser browser = new Browser(profile)) {
            // given
            browser.open(local, "locale=ar&user=" + user + "&token=" + local.token(user, Duration.ofMinutes(10)));
            publishBooking(local, user, "BK-A1", "Hotel Ar");
            browser.untilBadge("1");

            // when
            browser.openPanel();

            // then
            WebElement root = browser.part("root");
            assertThat(root.getDomAttribute("dir")).isEqualTo("rtl");
            assertThat(root.getDomAttribute("lang")).isEqualTo("ar");
            assertThat(browser.part("title").getText()).isEqualTo("الإشعارات");
            assertThat(browser.part("tab-unread").getText()).isEqualTo("غير المقروءة");
            assertThat(browser.part("mark-all-read").getText()).isEqualTo("تعليم الكل كمقروء");
            assertThat(browser.part("bell").getDomAttribute("aria-label")).startsWith("الإشعارات");
            assertThat(browser.script("return getComputedStyle(arguments[0]).direction", browser.part("panel"))).isEqualTo("rtl");
            // the bell sits at the header's inline end, the left in Arabic, and the panel opens from there to the right
            assertThat(browser.right("panel")).isGreaterThan(browser.right("bell") + 100);
        }
    }

    @Test
    void themes_paintThePanel_lightAndDark_inEnglishAndArabic(@TempDir Path profile) throws Exception {
        Optional<Path> screenshots = screenshotsDir();
        try (HeraldLocal local = LocalFixture.start()) {
            for (String locale : List.of("en", "ar")) {
                String user = "user-shots-" + locale;
                // given: four bookings rendered in the user's language, one of them already read
                LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                        "{\"recipientId\":\"" + user + "\",\"locale\":\"" + locale + "\",\"timeZone\":\"Europe/Paris\"}");
                LocalFixture.await("profile of " + user, WAIT,
                        () -> local.recipients().find(user).filter(p -> locale.equals(p.locale())).isPresent());
                List<String> hotels = locale.equals("ar")
                        ? List.of("فندق الواحة", "دار الياسمين", "فندق البحر الأزرق", "نزل الأندلس")
                        : List.of("Hotel Nord", "Casa Azul", "Riad Yasmine", "Hôtel du Lac");
                for (int i = 0; i < hotels.size(); i++) {
                    publishBooking(local, user, "BK-S" + locale + i, hotels.get(i));
                }
                String page = "user=" + user + "&locale=" + locale + "&token=" + local.token(user, Duration.ofMinutes(10));
                for (String theme : List.of("light", "dark")) {
                    try (Browser browser = new Browser(profile.resolve(locale + "-" + theme))) {
                        // when
                        browser.open(local, page + "&theme=" + theme);
                        browser.untilBadge(theme.equals("light") ? "4" : "3");
                        browser.openPanel();
                        browser.until("four items", () -> browser.items().size() == 4 ? true : null);
                        if (theme.equals("light")) {
                            browser.clickOnItem(hotels.get(2), "item-read");
                            browser.untilBadge("3");
                        }

                        // then
                        Object background = browser.script("return getComputedStyle(arguments[0]).backgroundColor", browser.part("panel"));
                        assertThat(background).isEqualTo(theme.equals("light") ? "rgb(255, 255, 255)" : "rgb(22, 27, 38)");
                        if (screenshots.isPresent()) {
                            // no hover or focus ring left from the clicks in the picture
                            new Actions(browser.driver).moveToElement(browser.part("title")).perform();
                            browser.script("const r = document.querySelector('herald-inbox').shadowRoot;"
                                    + " r.activeElement && r.activeElement.blur();");
                            Thread.sleep(300);
                            Files.createDirectories(screenshots.get());
                            Files.write(screenshots.get().resolve("herald-inbox-" + theme + "-" + locale + ".png"),
                                    browser.driver.getScreenshotAs(OutputType.BYTES));
                        }
                    }
                }
            }
        }
    }

    /** Where -Dherald.screenshots says; Maven runs tests in the module's folder, so a relative path is from the repository root. */
    private static Optional<Path> screenshotsDir() {
        String dir = System.getProperty("herald.screenshots", "");
        if (dir.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(dir);
        return Optional.of(path.isAbsolute() ? path : Path.of("..").resolve(path).toAbsolutePath().normalize());
    }

    private static String publishBooking(HeraldLocal local, String user, String bookingId, String hotel) {
        return LocalFixture.publish(local, "demo.app", "booking.created", "{\"userId\":\"" + user + "\",\"bookingId\":\"" + bookingId
                + "\",\"hotelName\":\"" + hotel + "\",\"city\":\"Oslo\",\"checkIn\":\"" + CHECK_IN + "\",\"nights\":2,\"guests\":2,"
                + "\"total\":{\"amount\":420,\"currency\":\"EUR\"},\"manageUrl\":\"https://app.example/b/" + bookingId + "\"}");
    }

    private static Optional<Delivery> bookingEmail(HeraldLocal local, String eventId) {
        return local.deliveries().forNotification(eventId).stream()
                .filter(d -> d.typeId().equals("booking.created") && d.channel().id().equals("email")).findFirst();
    }

    /** The booking's in-app delivery waits for the user's next connection. */
    private static boolean waiting(HeraldLocal local, String eventId) {
        return local.deliveries().forNotification(eventId).stream()
                .filter(d -> d.typeId().equals("booking.created") && d.channel().id().equals("websocket"))
                .map(Delivery::status).anyMatch(DeliveryStatus.PENDING::equals);
    }

    /** One headless Chromium with its own profile, on herald local's demo page; closing quits it. */
    private static final class Browser implements AutoCloseable {

        final ChromeDriverService service;
        final ChromeDriver driver;

        Browser(Path profile) {
            try {
                Files.createDirectories(profile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1000,860",
                    "--lang=en-US",
                    "--user-data-dir=" + profile.toAbsolutePath());
            service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
            ChromeDriver started;
            try {
                started = new ChromeDriver(service, options);
            } catch (RuntimeException e) {
                service.stop();
                throw e;
            }
            driver = started;
        }

        void open(HeraldLocal local, String query) {
            driver.get(local.baseUrl() + "/demo.html?" + query);
            until("the page to connect",
                    () -> "open".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-status")) ? true : null);
        }

        SearchContext inbox() {
            return driver.findElement(By.tagName("herald-inbox")).getShadowRoot();
        }

        WebElement part(String part) {
            return inbox().findElement(By.cssSelector("[part~='" + part + "']"));
        }

        List<WebElement> items() {
            return inbox().findElements(By.cssSelector("[part~='item']"));
        }

        /** The data-state of the listed item whose text contains {@code text}, or null when none is listed. */
        String stateOf(String text) {
            return items().stream().filter(i -> i.getText().contains(text)).map(i -> i.getDomAttribute("data-state"))
                    .findFirst().orElse(null);
        }

        void untilBadge(String count) {
            until("the badge to count " + count, () -> count.equals(part("badge").getDomAttribute("data-count")) ? true : null);
        }

        void openPanel() {
            if (!"true".equals(part("bell").getDomAttribute("aria-expanded"))) {
                part("bell").click();
            }
            until("the panel's list", () -> "true".equals(part("scroll").getDomAttribute("data-loaded")) ? true : null);
        }

        /** Clicks the button {@code part} of the item that shows {@code text}; the list re-renders, so it retries. */
        void clickOnItem(String text, String part) {
            until("to click " + part + " on " + text, () -> {
                WebElement item = items().stream().filter(i -> i.getText().contains(text)).findFirst().orElse(null);
                if (item == null) {
                    return null;
                }
                item.findElement(By.cssSelector("[part~='" + part + "']")).click();
                return true;
            });
        }

        /** The element that has the focus inside the component. */
        WebElement focused() {
            return (WebElement) script("return document.querySelector('herald-inbox').shadowRoot.activeElement");
        }

        String focusedPart() {
            WebElement focused = focused();
            return focused == null ? null : focused.getDomAttribute("part");
        }

        double right(String part) {
            return ((Number) script("return arguments[0].getBoundingClientRect().right", part(part))).doubleValue();
        }

        Object script(String script, Object... args) {
            return ((JavascriptExecutor) driver).executeScript(script, args);
        }

        /** Polls (bounded, 15 s) until {@code probe} returns something; a re-rendered element only means try again. */
        <T> T until(String what, Supplier<T> probe) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    T value = probe.get();
                    if (value != null) {
                        return value;
                    }
                } catch (StaleElementReferenceException | NoSuchElementException e) {
                    // the component re-rendered between finding and reading: look again
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new AssertionError("waited 15 s for " + what + "; the component shows: "
                    + script("const inbox = document.querySelector('herald-inbox'); return inbox"
                            + " ? inbox.shadowRoot.querySelector('[part=root]').outerHTML.slice(0, 4000) : document.body.outerHTML"));
        }

        @Override
        public void close() {
            try {
                driver.quit();
            } finally {
                service.stop();
            }
        }
    }
}
