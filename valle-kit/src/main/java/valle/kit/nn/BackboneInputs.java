package valle.kit.nn;

import valle.api.Experimental;
import valle.api.arch.BackboneInput;

/** The checks every backbone makes of the input it is given. */
@Experimental("shared by the backbone plugins since the kit was made")
public final class BackboneInputs {
    private BackboneInputs() {
    }

    /**
     * Refuses rows of another width than the backbone's (an input without rows has every width).
     *
     * @throws IllegalArgumentException naming both widths
     */
    public static void requireWidth(BackboneInput input, int width) {
        if (input.rows() > 0 && input.width() != width) {
            throw new IllegalArgumentException("input rows are " + input.width() + " wide, the backbone is "
                    + width);
        }
    }
}
