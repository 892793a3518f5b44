package valle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import valle.core.Valle;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Speech;
import valle.core.speech.SpeechRequest;
import valle.kit.io.Json;

/**
 * The page's Speech-to-Text tab (recorded from Chromium's fake microphone, which plays a WAV file, and uploaded), the
 * reference's extra TTS controls (repetition penalty, language auto, output language, task, text delimiter, prompt
 * repeat/trim) and the voice-conversion mode, in headless Chromium (skipped without Debian's {@code chromium} and
 * {@code chromium-driver}). Leaves screenshots in {@code target/}.
 */
class WebPageTabsTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void theSttTabShowsThePhonemesTheNewTtsControlsReachTheSpeechAndVcConverts(@TempDir Path voices, @TempDir Path profile)
            throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile,
                "--window-size=1000,1100",
                // a microphone without asking, whose sound is the prompt recording (looped)
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + TinyModel.PROMPT.toAbsolutePath().normalize());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        // a default voice with a prompt, so that the prompt's repeat/trim length has something to act on
        Files.copy(TinyModel.PROMPT, voices.resolve("default.wav"));
        try (Valle tts = TinyModel.open();
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices))) {
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(server.uri().toString());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));

                // Speech to Text from the microphone: record, stop, transcribe; the phonemes are the facade's for the
                // WAV the page made
                browser.findElement(By.id("tabStt")).click();
                browser.findElement(By.id("record")).click();
                wait.until(d -> d.findElement(By.id("sttStatus")).getText().matches("(recording|no microphone|this browser).*"));
                assertEquals("recording…", browser.findElement(By.id("sttStatus")).getText());
                Thread.sleep(1500);
                browser.findElement(By.id("record")).click();
                wait.until(d -> d.findElement(By.id("sttStatus")).getText().matches("(recorded|nothing).*"));
                String recordedStatus = browser.findElement(By.id("sttStatus")).getText();
                assertTrue(recordedStatus.startsWith("recorded "), recordedStatus);
                Path recording = voices.resolve("recording.wav.bin");
                Files.write(recording, Base64.getDecoder().decode((String) ((JavascriptExecutor) browser).executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                        + "recorded.arrayBuffer().then(b => { let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x));"
                        + " done(btoa(s)); });")));
                PcmAudio recorded = WavFile.read(recording);
                float[] heard = recorded.channels()[0];
                assertTrue(heard.length > 0.5 * recorded.sampleRate(), "at least half a second: " + heard.length);
                float loudest = 0;
                for (float x : heard) {
                    loudest = Math.max(loudest, Math.abs(x));
                }
                assertTrue(loudest > 0.01f, "the fake microphone's sound, not silence: " + loudest);
                browser.findElement(By.id("transcribe")).click();
                wait.until(d -> d.findElement(By.id("sttStatus")).getText().matches("(done|error).*"));
                String recordedDone = browser.findElement(By.id("sttStatus")).getText();
                assertTrue(recordedDone.startsWith("done: "), recordedDone);
                assertEquals(tts.transcribe(recording, "en").readable(), browser.findElement(By.id("sttText")).getText());
                Files.write(Path.of("target", "valle-page-stt-recorded.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));

                // Speech to Text: upload, transcribe, see the facade's phonemes
                browser.findElement(By.id("sttFile")).sendKeys(TinyModel.PROMPT.toAbsolutePath().normalize().toString());
                browser.findElement(By.id("transcribe")).click();
                wait.until(d -> d.findElement(By.id("sttStatus")).getText().matches("(done|error).*"));
                String status = browser.findElement(By.id("sttStatus")).getText();
                assertTrue(status.startsWith("done: "), status);
                assertEquals(tts.transcribe(TinyModel.PROMPT, "en").readable(), browser.findElement(By.id("sttText")).getText());
                Files.write(Path.of("target", "valle-page-stt.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));

                // Text to Speech with a control the page did not have before
                browser.findElement(By.id("tabTts")).click();
                WebElement text = browser.findElement(By.id("text"));
                text.clear();
                text.sendKeys(TinyModel.TWO_SENTENCES);
                browser.findElement(By.cssSelector("details summary")).click();
                WebElement penalty = browser.findElement(By.id("repetition_penalty"));
                penalty.clear();
                penalty.sendKeys("1.3");
                WebElement length = browser.findElement(By.id("max_duration"));
                length.clear();
                length.sendKeys("60");
                new Select(browser.findElement(By.id("language"))).selectByValue("auto");
                new Select(browser.findElement(By.id("split_text_by"))).selectByValue("lines");
                new Select(browser.findElement(By.id("output_language"))).selectByValue("de");
                new Select(browser.findElement(By.id("task"))).selectByValue("ns");
                WebElement promptLength = browser.findElement(By.id("input_prompt_length"));
                promptLength.clear();
                promptLength.sendKeys("1.5");
                browser.findElement(By.id("play")).click();
                wait.until(d -> d.findElement(By.id("status")).getText().matches("(done:|error).*"));
                String played = browser.findElement(By.id("status")).getText();
                assertTrue(played.startsWith("done: received ") && !played.startsWith("done: received 0 "), played);
                assertTrue(played.contains("task ns runs plain text-to-speech"), played);
                Map<String, Object> request = Json.parseObject(
                        browser.findElement(By.tagName("body")).getDomAttribute("data-request"), "the page's request");
                assertEquals(1.3, ((Number) request.get("repetition_penalty")).doubleValue(), 1e-9);
                assertEquals(50L, ((Number) request.get("max_steps")).longValue());
                assertEquals(1.5, ((Number) request.get("input_prompt_length")).doubleValue(), 1e-9);
                assertEquals("auto", request.get("language"));
                assertEquals("lines", request.get("split_text_by"));
                assertEquals("de", request.get("output_language"));
                assertEquals("ns", request.get("task"));
                // the page's request through the facade, with the voice's prompt repeated to 1.5 s: as much audio
                Map<String, Object> kwargs = new HashMap<>(InferenceSettings.commandLineKwargs());
                request.forEach((k, v) -> {
                    if (!Set.of("model", "input", "voice", "response_format", "language", "input_prompt_length",
                            "split_text_by", "output_language", "task").contains(k)) {
                        kwargs.put(k, v);
                    }
                });
                Speech want = tts.speak(new SpeechRequest((String) request.get("input"), SpeechRequest.Input.TEXT_LINES, "auto",
                        tts.voice(TinyModel.PROMPT).repeatedTo(1.5), InferenceSettings.fromKwargs(kwargs)).withOutputLanguage("de"));
                assertEquals(String.valueOf(2 * want.samples().length),
                        browser.findElement(By.tagName("body")).getDomAttribute("data-audio-bytes"));
                Files.write(Path.of("target", "valle-page-tts.png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));

                // voice conversion of the prompt recording, said as the text above
                browser.findElement(By.id("vcFile")).sendKeys(TinyModel.PROMPT.toAbsolutePath().normalize().toString());
                browser.findElement(By.id("convert")).click();
                wait.until(d -> d.findElement(By.id("vcStatus")).getText().matches("(converted|error).*"));
                String converted = browser.findElement(By.id("vcStatus")).getText();
                assertTrue(converted.startsWith("converted: ") && !converted.startsWith("converted: 0 "), converted);
            } finally {
                browser.quit();
            }
        }
    }
}
