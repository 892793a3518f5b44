package valle.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;

/**
 * A request row as a {@link SpeechRequest}: {@code text}, {@code voice} and {@code language} columns, and any
 * column named as a sampling setting ({@code seed}, {@code ar_temperature}, {@code max_duration}, …) over the job's
 * settings, over the defaults of {@code valle speak}: a row gives the same speech as {@code valle speak} with the
 * same text, voice and flags.
 */
final class RowRequest {
    static final String ID = "id";
    static final String TEXT = "text";
    static final String VOICE = "voice";
    static final String LANGUAGE = "language";
    private static final Set<String> REQUEST_COLUMNS = Set.of(ID, TEXT, VOICE, LANGUAGE);
    /** What the job's own columns start with (the previous manifest's entry joined to the row). */
    static final String INTERNAL_PREFIX = "__valle_";

    private RowRequest() {
    }

    /**
     * Checks the table's columns before any task runs: {@code id} and {@code text} are there, and every other
     * column is a voice, a language or a sampling setting (a typo would otherwise change nothing, silently).
     *
     * @throws IllegalArgumentException naming the column and what to do
     */
    static void checkColumns(StructType schema) {
        List<String> names = List.of(schema.fieldNames());
        for (String required : List.of(ID, TEXT)) {
            if (!names.contains(required)) {
                throw new IllegalArgumentException("the requests have no '" + required + "' column (they have "
                        + names + "); each row needs an id (the file's name) and the text to say");
            }
        }
        List<String> unknown = new ArrayList<>();
        for (StructField field : schema.fields()) {
            String name = field.name();
            if (!REQUEST_COLUMNS.contains(name) && !isSamplingSetting(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the requests' columns " + unknown + " are neither id, text, voice,"
                    + " language nor a sampling setting (seed, ar_temperature, max_duration, ...): select the"
                    + " columns to use, or rename them");
        }
    }

    private static boolean isSamplingSetting(String name) {
        try {
            InferenceSettings.fromKwargs(Map.of(name, "1"));
            return true;
        } catch (IllegalArgumentException e) {
            // only "unknown" says the name is not a setting; a value it refuses is still a setting's
            return e.getMessage() == null || !e.getMessage().startsWith("unknown sampling setting");
        }
    }

    /**
     * The request of {@code row}.
     *
     * @throws IllegalArgumentException for a row without text, an unknown voice or a setting out of range
     */
    static SpeechRequest of(Row row, Map<String, String> jobSettings, LoadedModel model, String voices) {
        String text = string(row, TEXT);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the row has no text");
        }
        String language = string(row, LANGUAGE);
        Voice voice = model.voice(string(row, VOICE), voices);
        Map<String, Object> kwargs = InferenceSettings.commandLineKwargs();
        jobSettings.forEach((name, value) -> kwargs.put(name, setting(name, value)));
        for (StructField field : row.schema().fields()) {
            String name = field.name();
            if (REQUEST_COLUMNS.contains(name) || name.startsWith(INTERNAL_PREFIX)) {
                continue;
            }
            Object value = row.getAs(name);
            if (value != null) {
                kwargs.put(name, setting(name, value));
            }
        }
        return new SpeechRequest(text, SpeechRequest.Input.TEXT, language == null || language.isBlank() ? "en" : language,
                voice, InferenceSettings.fromKwargs(kwargs));
    }

    /** A setting's value: a seed given as text (a CSV column, a job setting) parsed whole, since as a double it would lose digits past 2^53. */
    private static Object setting(String name, Object value) {
        if ("seed".equals(name) && value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed must be a whole number, got '" + text + "'");
            }
        }
        return value;
    }

    /** The row's id as text (a CSV's or JSON's number ids included), or {@code null}. */
    static String id(Row row) {
        return string(row, ID);
    }

    private static String string(Row row, String column) {
        int index;
        try {
            index = row.fieldIndex(column);
        } catch (IllegalArgumentException absent) {
            return null;
        }
        Object value = row.get(index);
        return value == null ? null : value.toString();
    }
}
