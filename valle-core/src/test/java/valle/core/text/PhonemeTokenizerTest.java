package valle.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

class PhonemeTokenizerTest {
    private static final PhonemeTokenizer BUNDLED = PhonemeTokenizer.bundled();
    private static final String SPECIALS = "\"<unk>\": 0, \"<bos>\": 1, \"</eos>\": 2, ";
    private static final String VOCAB = SPECIALS + "\"a\": 3, \"b\": 4, \"ab\": 5";
    private static final String WELL_FORMED = tokenizer(VOCAB, "\"a b\"");

    @Test
    void bundledFileHas256IdsWithUnkBosEos() {
        assertEquals(256, BUNDLED.vocabSize());
        assertEquals(0, BUNDLED.unknownId());
        assertEquals(1, BUNDLED.bosId());
        assertEquals(2, BUNDLED.eosId());
        assertSame(BUNDLED, PhonemeTokenizer.bundled());
    }

    @Test
    void encodesTheSpecVectorThatVallECppHardCodes() {
        assertArrayEquals(
                new int[] {1, 85, 4, 128, 26, 4, 186, 4, 89, 33, 25, 4, 48, 4, 134, 25, 52, 86, 4, 34, 97, 27, 11, 2},
                BUNDLED.encode("aɪ wɪl nˌɑːt ˈæsk ɐ sˈɛkənd tˈaɪm."));
    }

    @Test
    void encodesTheSpecVectorHelloWorldInIpa() {
        assertArrayEquals(new int[] {1, 22, 111, 100, 4, 37, 115, 169, 11, 2},
                BUNDLED.encode("həlˈoʊ wˈɜːld."));
    }

    @Test
    void encodesUppercaseLettersAsUnknownOnePerLetter() {
        assertArrayEquals(new int[] {1, 0, 20, 26, 26, 29, 4, 37, 29, 32, 169, 11, 2},
                BUNDLED.encode("Hello world."));
    }

    @Test
    void encodesEmptyStringAsBosEos() {
        assertArrayEquals(new int[] {1, 2}, BUNDLED.encode(""));
    }

    static Stream<Arguments> goldenCases() throws IOException {
        try (InputStream in = PhonemeTokenizerTest.class.getResourceAsStream("tokenizer_cases.json")) {
            Map<String, Object> golden = Json.parseObject(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), "tokenizer_cases.json");
            return ((List<?>) golden.get("cases")).stream().map(c -> {
                Map<?, ?> m = (Map<?, ?>) c;
                return Arguments.of(m.get("text"), m.get("ids"), m.get("offsets"));
            });
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("goldenCases")
    void matchesHfIdsAndOffsetsOnGoldenCase(String text, List<Long> ids, List<List<Long>> offsets) {
        PhonemeTokenizer.Encoding e = BUNDLED.encodeWithOffsets(text);
        assertArrayEquals(ids.stream().mapToInt(Long::intValue).toArray(), e.ids());
        assertArrayEquals(ids.stream().mapToInt(Long::intValue).toArray(), BUNDLED.encode(text));
        assertEquals(offsets.size(), e.length());
        for (int i = 0; i < e.length(); i++) {
            assertEquals(offsets.get(i), List.of((long) e.start(i), (long) e.end(i)), "offsets of token " + i);
        }
    }

    @Test
    void mergesAnAliasLikeTheSymbolItAliases() {
        assertArrayEquals(BUNDLED.encode("aɪ"), BUNDLED.encode("äɪ"));
        assertArrayEquals(new int[] {1, 85, 2}, BUNDLED.encode("ɒɪ"));
        assertArrayEquals(BUNDLED.encode("tˈaɪm."), BUNDLED.encode("tˈäɪm."));
    }

    @Test
    void countsOffsetsInCodePointsAndMapsASupplementaryCharacterToOneUnknown() {
        PhonemeTokenizer.Encoding e = BUNDLED.encodeWithOffsets("\uD83D\uDE00a");
        assertArrayEquals(new int[] {1, 0, 16, 2}, e.ids());
        assertEquals(0, e.start(1));
        assertEquals(1, e.end(1));
        assertEquals(1, e.start(2));
        assertEquals(2, e.end(2));
    }

    @Test
    void appliesTheLowestRankMergeFirstNotTheLeftmost() {
        PhonemeTokenizer t = PhonemeTokenizer.fromJson(
                tokenizer(SPECIALS + "\"a\": 3, \"b\": 4, \"c\": 5, \"ab\": 6, \"bc\": 7", "\"b c\", \"a b\""),
                "t");
        assertArrayEquals(new int[] {1, 3, 7, 2}, t.encode("abc"));
        assertEquals(8, t.vocabSize());
    }

    @Test
    void breaksRankTiesLeftmostFirst() {
        PhonemeTokenizer t = PhonemeTokenizer.fromJson(
                tokenizer(SPECIALS + "\"a\": 3, \"aa\": 4", "\"a a\""), "t");
        assertArrayEquals(new int[] {1, 4, 3, 2}, t.encode("aaa"));
        assertArrayEquals(new int[] {1, 4, 4, 2}, t.encode("aaaa"));
    }

    @Test
    void acceptsMergesWrittenAsPairs() {
        PhonemeTokenizer t = PhonemeTokenizer.fromJson(
                tokenizer(SPECIALS + "\"a\": 3, \"aa\": 4", "[\"a\", \"a\"]"), "t");
        assertArrayEquals(new int[] {1, 4, 2}, t.encode("aa"));
    }

    @Test
    void acceptsTheWellFormedBaseOfTheMalformedCases() {
        PhonemeTokenizer t = PhonemeTokenizer.fromJson(WELL_FORMED, "t");
        assertArrayEquals(new int[] {1, 5, 0, 2}, t.encode("abx"));
    }

    static Stream<Arguments> malformedTokenizers() {
        return Stream.of(
                Arguments.of("not JSON", "{\"model\": "),
                Arguments.of("not an object", "[]"),
                Arguments.of("no model", broken("\"model\":", "\"modell\":")),
                Arguments.of("a WordPiece model", broken("\"type\": \"BPE\"", "\"type\": \"WordPiece\"")),
                Arguments.of("no vocab", broken("\"vocab\":", "\"vocabulary\":")),
                Arguments.of("an empty vocab", broken(VOCAB, "")),
                Arguments.of("no merges", broken("\"merges\":", "\"mergers\":")),
                Arguments.of("a merge part outside the vocab", broken("\"a b\"", "\"a z\"")),
                Arguments.of("a merge result outside the vocab", broken("\"ab\": 5", "\"c\": 5")),
                Arguments.of("a merge of three parts", broken("\"a b\"", "\"a b c\"")),
                Arguments.of("a merge that is a number", broken("\"a b\"", "3")),
                Arguments.of("a negative id", broken("\"ab\": 5", "\"ab\": -5")),
                Arguments.of("an id beyond the key count", broken("\"ab\": 5", "\"ab\": 99")),
                Arguments.of("a fractional id", broken("\"ab\": 5", "\"ab\": 5.5")),
                Arguments.of("an id that is a string", broken("\"ab\": 5", "\"ab\": \"5\"")),
                Arguments.of("an unk token outside the vocab",
                        broken("\"unk_token\": \"<unk>\"", "\"unk_token\": \"?\"")),
                Arguments.of("no unk token", broken("\"unk_token\": \"<unk>\"", "\"unk_token\": null")),
                Arguments.of("dropout", broken("\"dropout\": null", "\"dropout\": 0.1")),
                Arguments.of("byte fallback", broken("\"byte_fallback\": false", "\"byte_fallback\": true")),
                Arguments.of("a normalizer",
                        broken("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}")),
                Arguments.of("another post-processor", broken("TemplateProcessing", "RobertaProcessing")),
                Arguments.of("a template ending in a sequence",
                        broken("{\"SpecialToken\": {\"id\": \"<eos>\"}}]", "{\"Sequence\": {\"id\": \"B\"}}]")),
                Arguments.of("a bos of two ids", broken("\"ids\": [1]", "\"ids\": [1, 2]")),
                Arguments.of("a bos id out of range", broken("\"ids\": [1]", "\"ids\": [300]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedTokenizers")
    void refusesMalformedTokenizerNamingTheSource(String problem, String json) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PhonemeTokenizer.fromJson(json, "bad-tokenizer.json"));
        assertTrue(e.getMessage().startsWith("bad-tokenizer.json: "), e.getMessage());
    }

    @Test
    void refusingANonBpeModelSaysSo() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> PhonemeTokenizer.fromJson(
                broken("\"type\": \"BPE\"", "\"type\": \"WordPiece\""), "x.json"));
        assertEquals("x.json: model type must be \"BPE\", found \"WordPiece\"", e.getMessage());
    }

    @Test
    void refusingAMergeResultOutsideTheVocabNamesIt() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PhonemeTokenizer.fromJson(broken("\"ab\": 5", "\"c\": 5"), "x.json"));
        assertEquals("x.json: model.merges[0] needs \"ab\", not in model.vocab", e.getMessage());
    }

    /** A minimal tokenizer.json shaped like the reference's; {@code vocab} should start with SPECIALS. */
    private static String tokenizer(String vocab, String merges) {
        return """
                {"version": "1.0", "normalizer": null, "pre_tokenizer": null,
                 "post_processor": {"type": "TemplateProcessing",
                  "single": [{"SpecialToken": {"id": "<bos>"}}, {"Sequence": {"id": "A"}},
                 {"SpecialToken": {"id": "<eos>"}}],
                  "special_tokens": {"<bos>": {"id": "<bos>", "ids": [1]},
                                     "<eos>": {"id": "<eos>", "ids": [2]}}},
                 "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "fuse_unk": false,
                  "byte_fallback": false, "vocab": {%s}, "merges": [%s]}}"""
                .formatted(vocab, merges);
    }

    /** {@link #WELL_FORMED} with {@code part}, which must occur in it, replaced. */
    private static String broken(String part, String replacement) {
        assertTrue(WELL_FORMED.contains(part), part);
        return WELL_FORMED.replace(part, replacement);
    }
}
