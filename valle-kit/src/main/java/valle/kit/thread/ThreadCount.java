package valle.kit.thread;

import valle.api.Stable;

/**
 * The one thread policy of valle: how many threads every pool (matrix products, attention, codecs, experts) may
 * use. In order: a count bound with {@link #where} for the code it runs (what {@code Valle.builder().threads(n)}
 * does around loading), else {@code -Dvalle.threads}, else the environment variable {@code VALLE_THREADS}, else the
 * machine's processors. A setting that is not a whole number of at least 1 is an error that names it.
 */
@Stable(since = "0.1")
public final class ThreadCount {
    /** The system property that sets the count. */
    public static final String PROPERTY = "valle.threads";
    /** The environment variable that sets the count when the property is absent. */
    public static final String ENVIRONMENT = "VALLE_THREADS";

    private static final ScopedValue<Integer> BOUND = ScopedValue.newInstance();

    private ThreadCount() {
    }

    /** The count for the calling code, by the order above. */
    public static int configured() {
        if (BOUND.isBound()) {
            return BOUND.get();
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return parse(property, "-D" + PROPERTY);
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return parse(env, ENVIRONMENT);
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * A carrier that binds {@code threads} as the count for what it runs (pools made while it runs take it):
     * {@code ThreadCount.where(4).call(() -> arch.open(...))}.
     */
    public static ScopedValue.Carrier where(int threads) {
        return ScopedValue.where(BOUND, check(threads, "threads"));
    }

    /** {@code value} as a thread count, or an error naming {@code source} and what it must be. */
    private static int parse(String value, String source) {
        try {
            return check(Integer.parseInt(value.trim()), source);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(message(source, "'" + value + "'"), e);
        }
    }

    private static int check(int threads, String source) {
        if (threads < 1) {
            throw new IllegalArgumentException(message(source, Integer.toString(threads)));
        }
        return threads;
    }

    private static String message(String source, String got) {
        return source + " must be a whole number of threads >= 1 (valle.threads / VALLE_THREADS), got " + got;
    }
}
