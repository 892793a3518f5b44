package valle.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import valle.core.Valle;
import valle.core.text.EncodedText;
import valle.core.text.SentenceSplitter;

/**
 * {@code valle phonemize "Hello, world." --lang en}: the phonemes and token ids the reference's
 * {@code encode_text} makes of a text, one pair of lines per sentence.
 */
@Command(name = "phonemize",
        description = "Print the phonemes of plain text and their token ids, as the reference's encode_text makes them.",
        footer = {"  ./valle phonemize \"Hello, world.\" --lang en",
            "  ./valle phonemize \"One. Two.\" --split",
            "  ./valle phonemize \"今日は良い天気ですね。\" --lang ja",
            "  ./valle phonemize \"Guten Morgen, wie geht es dir?\" --lang auto"})
final class PhonemizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The text, e.g. \"Hello, world.\".")
    String text;

    @Option(names = {"--lang", "--language", "-l"}, defaultValue = "en",
            description = "en, de, fr, zh (pinyin with tone digits), ja (kanji and kana), ko, another espeak-ng language, or auto (detected with langdetect's algorithm; the language goes to stderr) (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the language detector for --lang auto; short texts can come out in other languages with other seeds, as in the reference (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split", description = "Split the text into sentences first, as speak does.")
    boolean split;

    @Option(names = "--phonemizer", description = "Phonemizer plugin (default: auto).")
    String phonemizer;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> sentences = split ? SentenceSplitter.split(text) : List.of(text);
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("the text is empty: give the words to phonemize");
        }
        try (Valle valle = Valle.builder().phonemizer(phonemizer).build()) {
            for (String sentence : sentences) {
                EncodedText e = valle.encodeText(sentence, language, seed);
                if (e.detectedLanguage() != null) {
                    err.println("valle: detected language: " + e.detectedLanguage());
                }
                if (e.raw()) {
                    err.println("valle: the text tokenized without unknown symbols, so it is used as is, not"
                            + " phonemized (the reference's precheck)");
                }
                out.println(e.phonemes());
                out.println(Arrays.toString(e.ids()));
            }
        }
        return 0;
    }
}
