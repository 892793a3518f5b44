package valle.api;

/**
 * A well-formed checkpoint asks for a backbone configuration the reference implementation itself cannot
 * build or run (e.g. {@code arch_type: transformer}), so there is no reference computation to reproduce. The
 * message names the file and the reference's own failure. The command line exits with status 1 for it
 * (2 is for malformed input).
 */
@Experimental("refusals of configurations the reference cannot run; the set may shrink as upstream is fixed")
public class UnbuildableModelException extends ModelFormatException {
    private static final long serialVersionUID = 1L;

    public UnbuildableModelException(String message) {
        super(message);
    }
}
