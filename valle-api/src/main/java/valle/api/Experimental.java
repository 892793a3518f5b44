package valle.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public type or member that may still change in a minor release, usually because the capability it
 * serves (batched CFG passes, LoRA, streaming decode) is not finished yet. A member may be less stable than
 * its type.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Experimental {
    /** What is still open about the element. */
    String value() default "";
}
