package valle.text.espeak;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import valle.api.ValleException;

/**
 * {@code libespeak-ng} through the Foreign Function &amp; Memory API: the five C calls phonemizer makes
 * ({@code espeak_Initialize}, {@code espeak_Info}, {@code espeak_ListVoices}, {@code espeak_SetVoiceByName},
 * {@code espeak_TextToPhonemes}), made the way phonemizer 3.3.0 makes them (docs/spec/codec.md §6.2).
 *
 * <p>The library keeps its voice, its translator and its output buffer in C globals, so there is one instance
 * per process and every call runs under its lock; {@link #phonemes} sets the voice and reads the clauses in
 * one critical section, so concurrent callers of different languages cannot interleave.
 */
final class EspeakLibrary {
    /** The names tried when no path is configured, in the platform's dynamic-linker search path. */
    static final List<String> LIBRARY_NAMES = List.of("libespeak-ng.so.1", "libespeak-ng.so",
            "libespeak-ng.1.dylib", "libespeak-ng.dylib", "libespeak-ng.dll");
    /** The system property and the environment variable that name the library file explicitly. */
    static final String LIBRARY_PROPERTY = "valle.espeak.library";
    static final String LIBRARY_ENV = "VALLE_ESPEAK_LIBRARY";
    static final String INSTALL_FIX = "install it: apt-get install espeak-ng (Debian/Ubuntu), dnf install espeak-ng"
            + " (Fedora), brew install espeak-ng (macOS); or point -D" + LIBRARY_PROPERTY + " or " + LIBRARY_ENV
            + " at libespeak-ng";

    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 0x02;
    // phonemizer passes 0 and lets espeak exit(1) when its data is missing; that would end the JVM, so
    // valle asks it to return and checks the voices instead
    private static final int INITIALIZE_DONT_EXIT = 0x8000;
    private static final int CHARS_UTF8 = 1;
    /** IPA with {@code _} between the phonemes of a word: phonemizer's mode for espeak ≥ 1.49. */
    private static final int PHONEMES_IPA_UNDERSCORE = ('_' << 8) | 0x02;
    private static final long VOICE_LANGUAGES_OFFSET = ValueLayout.ADDRESS.byteSize();
    private static final long VOICE_IDENTIFIER_OFFSET = 2 * ValueLayout.ADDRESS.byteSize();

    private final ReentrantLock lock = new ReentrantLock();
    private final String location;
    private final String version;
    /** Voice language → identifier of the first voice with that language, as phonemizer's set_voice picks. */
    private final Map<String, String> voices;
    private final MethodHandle setVoiceByName;
    private final MethodHandle textToPhonemes;
    /** The voice set last; guarded by {@link #lock}. */
    private String currentVoice;

    private EspeakLibrary(String location, String version, Map<String, String> voices, MethodHandle setVoiceByName,
                          MethodHandle textToPhonemes) {
        this.location = location;
        this.version = version;
        this.voices = Collections.unmodifiableMap(voices);
        this.setVoiceByName = setVoiceByName;
        this.textToPhonemes = textToPhonemes;
    }

    /** The library loaded once per process, or why it could not be. */
    sealed interface Loaded permits Ready, Missing {
    }

    record Ready(EspeakLibrary library) implements Loaded {
    }

    record Missing(String reason, String fix) implements Loaded {
    }

    private static final class Holder {
        static final Loaded LOADED = load(configuredLocation());
    }

    /** The process-wide library; loads it on first use. Never throws. */
    static Loaded loaded() {
        return Holder.LOADED;
    }

    /**
     * The process-wide library.
     *
     * @throws ValleException when it cannot be loaded, saying why and how to install it
     */
    static EspeakLibrary get() {
        return switch (loaded()) {
            case Ready r -> r.library();
            case Missing m -> throw new ValleException(m.reason() + "; " + m.fix());
        };
    }

    /** Where the library was found ({@code libespeak-ng.so.1} or a path). */
    String location() {
        return location;
    }

    /** The version espeak reports, e.g. {@code 1.51}. */
    String version() {
        return version;
    }

    /** Every voice language ({@code en-us}, {@code de}, {@code cmn-latn-pinyin}, ...), sorted. */
    List<String> languages() {
        List<String> all = new ArrayList<>(voices.keySet());
        Collections.sort(all);
        return all;
    }

    boolean hasLanguage(String language) {
        return voices.containsKey(language);
    }

    /**
     * The raw output of phonemizer's {@code EspeakWrapper.text_to_phonemes} for one chunk: the clauses espeak
     * returns, each non-empty one kept, joined with a space.
     *
     * @param language a voice language ({@link #hasLanguage})
     */
    String phonemes(String text, String language) {
        String identifier = voices.get(language);
        if (identifier == null) {
            throw new IllegalArgumentException("espeak-ng has no voice for '" + language + "'");
        }
        lock.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (!identifier.equals(currentVoice)) {
                int status = (int) setVoiceByName.invokeExact(arena.allocateFrom(identifier, StandardCharsets.UTF_8));
                if (status != 0) {
                    throw new ValleException("espeak-ng could not load the voice '" + identifier + "' for '" + language
                            + "' (error " + status + "); reinstall espeak-ng-data");
                }
                currentVoice = identifier;
            }
            MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
            cursor.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(text, StandardCharsets.UTF_8));
            List<String> clauses = new ArrayList<>();
            // espeak returns one clause per call and advances the pointer, setting it to NULL after the last
            while (!cursor.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                MemorySegment out = (MemorySegment) textToPhonemes.invokeExact(cursor, CHARS_UTF8, PHONEMES_IPA_UNDERSCORE);
                String clause = string(out);
                // phonemizer keeps a clause only when it is truthy: NULL and "" are both dropped
                if (clause != null && !clause.isEmpty()) {
                    clauses.add(clause);
                }
            }
            return String.join(" ", clauses);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ValleException("espeak-ng call failed: " + t, t);
        } finally {
            lock.unlock();
        }
    }

    /** The library file named by {@code -Dvalle.espeak.library} or {@code VALLE_ESPEAK_LIBRARY}, or null. */
    private static String configuredLocation() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        return configured == null || configured.isBlank() ? System.getenv(LIBRARY_ENV) : configured;
    }

    /**
     * Loads and initialises the library at {@code configured}, or the first of {@link #LIBRARY_NAMES} the
     * dynamic linker finds when it is null. Never throws. Everything but tests goes through {@link #loaded()}:
     * a second successful load would re-initialise the one copy the linker shares, behind the back of the
     * instance whose lock guards it.
     */
    static Loaded load(String configured) {
        List<String> candidates = configured == null || configured.isBlank() ? LIBRARY_NAMES : List.of(configured);
        SymbolLookup lookup = null;
        String location = null;
        List<String> failures = new ArrayList<>();
        for (String name : candidates) {
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
                location = name;
                break;
            } catch (IllegalArgumentException e) {
                failures.add(name);
            } catch (IllegalCallerException e) {
                return new Missing("native access is disabled for module " + moduleName(),
                        "run java with --enable-native-access=" + moduleName());
            }
        }
        if (lookup == null) {
            return new Missing("espeak-ng not found (tried " + String.join(", ", failures) + ")", INSTALL_FIX);
        }
        try {
            return new Ready(bind(lookup, location));
        } catch (IllegalCallerException e) {
            return new Missing("native access is disabled for module " + moduleName(),
                    "run java with --enable-native-access=" + moduleName());
        } catch (ValleException e) {
            return new Missing(e.getMessage(), INSTALL_FIX);
        } catch (Throwable t) {
            return new Missing("espeak-ng at " + location + " could not be initialised: " + t, INSTALL_FIX);
        }
    }

    private static EspeakLibrary bind(SymbolLookup lookup, String location) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle initialize = handle(linker, lookup, location, "espeak_Initialize", FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle info = handle(linker, lookup, location, "espeak_Info",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle listVoices = handle(linker, lookup, location, "espeak_ListVoices",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle setVoice = handle(linker, lookup, location, "espeak_SetVoiceByName",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MethodHandle toPhonemes = handle(linker, lookup, location, "espeak_TextToPhonemes",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        int rate = (int) initialize.invokeExact(AUDIO_OUTPUT_SYNCHRONOUS, 0, MemorySegment.NULL, INITIALIZE_DONT_EXIT);
        if (rate <= 0) {
            throw new ValleException("espeak-ng at " + location + " failed to initialise (espeak_Initialize returned "
                    + rate + ")");
        }
        String version = Objects.requireNonNullElse(string((MemorySegment) info.invokeExact(MemorySegment.NULL)), "?")
                .strip().split(" ")[0];
        Map<String, String> voices = new LinkedHashMap<>();
        MemorySegment list = ((MemorySegment) listVoices.invokeExact(MemorySegment.NULL)).reinterpret(Long.MAX_VALUE);
        for (long at = 0; ; at += ValueLayout.ADDRESS.byteSize()) {
            MemorySegment voice = list.get(ValueLayout.ADDRESS, at);
            if (voice.equals(MemorySegment.NULL)) {
                break;
            }
            voice = voice.reinterpret(3 * ValueLayout.ADDRESS.byteSize());
            // languages is a priority byte then the language; phonemizer reads it as one C string minus
            // its first byte, so only a voice's first language counts
            MemorySegment languages = voice.get(ValueLayout.ADDRESS, VOICE_LANGUAGES_OFFSET);
            String identifier = string(voice.get(ValueLayout.ADDRESS, VOICE_IDENTIFIER_OFFSET));
            String language = languages.equals(MemorySegment.NULL) ? ""
                    : languages.reinterpret(Long.MAX_VALUE).getString(1, StandardCharsets.UTF_8);
            if (identifier != null) {
                voices.putIfAbsent(language, identifier);
            }
        }
        if (voices.isEmpty()) {
            throw new ValleException("espeak-ng at " + location + " lists no voices (is espeak-ng-data installed?)");
        }
        return new EspeakLibrary(location, version, voices, setVoice, toPhonemes);
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lookup, String location, String name,
                                       FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new ValleException(
                location + " has no function " + name + " (not libespeak-ng, or older than 1.49)"));
        return linker.downcallHandle(symbol, descriptor);
    }

    /** A NUL-terminated UTF-8 string at {@code pointer}, or null for NULL. */
    private static String string(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null
                : pointer.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    private static String moduleName() {
        Module m = EspeakLibrary.class.getModule();
        return m.isNamed() ? m.getName() : "ALL-UNNAMED";
    }
}
