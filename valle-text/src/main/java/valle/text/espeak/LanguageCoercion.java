package valle.text.espeak;

/**
 * The reference's language handling around espeak ({@code coerce_language} and the Mandarin tone remap of
 * {@code vall_e/emb/g2p.py}, docs/spec/valle-reference.md §2.2).
 */
final class LanguageCoercion {
    static final String PINYIN = "cmn-latn-pinyin";

    private LanguageCoercion() {
    }

    /**
     * The espeak language for a caller's code: {@code en} → {@code en-us} ("bottle of water" rather than the
     * British default), {@code fr} → {@code fr-fr}, anything starting with {@code zh} → {@code cmn-latn-pinyin}
     * (plain {@code cmn} writes other tone letters); every other code is passed on unchanged, case included.
     */
    static String voiceLanguage(String language) {
        if (language.equals("en")) {
            return "en-us";
        }
        if (language.equals("fr")) {
            return "fr-fr";
        }
        if (language.startsWith("zh")) {
            return PINYIN;
        }
        return language;
    }

    /** Whether the reference converts the text to hiragana first ({@code language[:2] == "ja"}). */
    static boolean needsKana(String voiceLanguage) {
        return voiceLanguage.startsWith("ja");
    }

    /**
     * The reference replaces the tone digits espeak writes for pinyin by symbols of its vocabulary:
     * {@code 1→ˇ 2→ˉ 3→ˊ 4→ˋ 5→_}, on the whole string, for {@code cmn-latn-pinyin} only.
     */
    static String remapTones(String voiceLanguage, String phonemes) {
        if (!voiceLanguage.equals(PINYIN)) {
            return phonemes;
        }
        return phonemes.replace("1", "ˇ").replace("2", "ˉ").replace("3", "ˊ").replace("4", "ˋ").replace("5", "_");
    }
}
