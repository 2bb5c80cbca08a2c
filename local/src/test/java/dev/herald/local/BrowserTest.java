package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.herald.testing.RequiredTools.assumeInstalled;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Chromium: a page using herald-client.js connects with a token and renders a published event. */
class BrowserTest {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** Polls the page (bounded, 15 s) until {@code probe} returns something. */
    private static <T> T until(WebDriver driver, java.util.function.Function<WebDriver, T> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.apply(driver);
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the page did not get there within 15 s: " + driver.getPageSource());
    }

    @Test
    void pageUsingHeraldClient_rendersPublishedEvent(@TempDir Path profile) {
        assumeInstalled(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        try (HeraldLocal local = LocalFixture.start()) {
            String token = local.token("user-browser", Duration.ofMinutes(5));
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            try {
                // given
                driver.get(local.baseUrl() + "/demo.html?user=user-browser&token=" + token);
                until(driver, d -> "open".equals(d.findElement(By.tagName("body")).getDomAttribute("data-status")) ? "open" : null);

                // when
                LocalFixture.publish(local, "demo.app", "booking.created", "{\"userId\":\"user-browser\",\"bookingId\":\"BK-B\","
                        + "\"hotelName\":\"Hotel Chromium\",\"city\":\"C\",\"checkIn\":\"2026-12-18\",\"nights\":2,\"guests\":1,"
                        + "\"total\":{\"amount\":9,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example\"}");

                // then
                String text = until(driver, d -> d.findElements(By.cssSelector("li.notification"))
                        .stream().map(e -> e.getText()).filter(t -> t.contains("Hotel Chromium")).findFirst().orElse(null));
                assertThat(text).contains("Hotel Chromium");
            } finally {
                driver.quit();
                service.stop();
            }
        }
    }
}
