/**
 * The text front end's plugins: the {@code langdetect} language detector and the {@code espeak} phonemizer,
 * which calls libespeak-ng through the Foreign Function &amp; Memory API. Run with {@code --enable-native-access=valle.text} (the {@code ./valle} launcher
 * does) so the JVM does not warn about its native calls. Exports nothing: it is reached through
 * {@code valle.api.text}.
 */
module valle.text {
    requires valle.api;
    requires valle.kit;

    provides valle.api.text.Phonemizer with valle.text.espeak.EspeakPhonemizer;
    provides valle.api.text.LanguageDetector with valle.text.langdetect.LangDetect;
}
