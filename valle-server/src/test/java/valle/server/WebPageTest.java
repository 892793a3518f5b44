package valle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
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
import valle.kit.io.Json;

/**
 * The page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs): type text, pick a voice, press play, and see audio arrive and the timing line fill in. Leaves a
 * screenshot in {@code target/valle-page.png}. The controls it leaves alone must send the reference web UI's defaults.
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
                // the controls left alone send the reference web UI's defaults (remaining-features.md §6.2, §6.5)
                Map<String, Object> request = Json.parseObject(
                        browser.findElement(By.tagName("body")).getDomAttribute("data-request"), "the page's request");
                Map<String, Object> webUi = new TreeMap<>(Map.ofEntries(Map.entry("max_steps", 50L),
                        Map.entry("cfg_strength", 1.0), Map.entry("cfg_rescale", 0.75), Map.entry("ar_temperature", 1.0),
                        Map.entry("nar_temperature", 0.0), Map.entry("top_p", 1.0), Map.entry("top_k", 0L),
                        Map.entry("min_p", 0.0), Map.entry("top_no", 0.0), Map.entry("repetition_penalty", 1.0),
                        Map.entry("repetition_penalty_decay", 0.0), Map.entry("length_penalty", 0.0),
                        Map.entry("context_history", 0L), Map.entry("input_prompt_length", 0.0), Map.entry("max_levels", 7L),
                        Map.entry("beam_width", 0L), Map.entry("prefix_silence", 0.0), Map.entry("input_prompt_prefix", false),
                        Map.entry("refine_on_stop", false), Map.entry("dry_multiplier", 0.0), Map.entry("dry_base", 1.75),
                        Map.entry("dry_allowed_length", 2L), Map.entry("min_ar_temperature", -1.0), Map.entry("modality", "auto"),
                        Map.entry("task", "tts"), Map.entry("split_text_by", "sentences")));
                Map<String, Object> sent = new TreeMap<>();
                webUi.keySet().forEach(k -> sent.put(k, request.get(k) instanceof Number n && !(webUi.get(k) instanceof Long)
                        ? (Object) n.doubleValue() : request.get(k)));
                assertEquals(webUi, sent);
                assertFalse(request.containsKey("output_language"), "the output language follows the text's unless chosen");
                Path shot = Path.of("target", "valle-page.png");
                Files.write(shot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }
}
