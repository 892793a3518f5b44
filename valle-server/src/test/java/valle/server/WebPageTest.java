package valle.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import valle.core.Valle;

/**
 * The page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs): type text, pick a voice, press play, and see audio arrive and the timing line fill in. Leaves a
 * screenshot in {@code target/valle-page.png}.
 */
class WebPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void typePickPlayAndHear(@TempDir Path voices, @TempDir Path profile) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // no sandbox as root; no background traffic, which this machine's closed network refuses
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile,
                "--window-size=1000,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        try (Valle tts = TinyModel.open();
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices))) {
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(server.uri().toString());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
                wait.until(d -> d.findElements(By.cssSelector("#voice option[value=alice]")).size() == 1);
                WebElement text = browser.findElement(By.id("text"));
                text.clear();
                text.sendKeys("həlˈoʊ wˈɜːld. hˈaʊ ɑːɹ juː?");
                new Select(browser.findElement(By.id("voice"))).selectByValue("alice");
                WebElement seed = browser.findElement(By.id("seed"));
                seed.clear();
                seed.sendKeys("3");
                WebElement length = browser.findElement(By.id("max_duration"));
                length.clear();
                length.sendKeys("60");
                browser.findElement(By.id("play")).click();
                wait.until(d -> d.findElement(By.id("status")).getText().startsWith("done:")
                        || d.findElement(By.id("status")).getText().startsWith("error"));
                String status = browser.findElement(By.id("status")).getText();
                String timing = browser.findElement(By.id("timing")).getText();
                assertTrue(status.startsWith("done: received ") && !status.startsWith("done: received 0 "), status);
                assertTrue(timing.startsWith("last request: ") && timing.contains("real-time factor"), timing);
                Path shot = Path.of("target", "valle-page.png");
                Files.write(shot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }
}
