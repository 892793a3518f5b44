package valle.kit.plugin;

import valle.api.Stable;
import valle.api.plugin.Availability;
import valle.api.plugin.Plugin;

/**
 * A plugin's descriptor held once: its name, its priority and its one-line description, given to the constructor
 * the way a Lucene codec hands its name to its base class. A plugin extends this and implements its kind's SPI
 * ({@code extends DescribedPlugin implements Codec}); what varies by plugin (its availability when it needs a
 * native library, a description computed from its settings) it overrides.
 *
 * <p>The constructor only stores what it is given, so a subclass's no-argument constructor stays as cheap as
 * {@link java.util.ServiceLoader} needs; the registry checks the name.
 */
@Stable(since = "0.1")
public abstract class DescribedPlugin implements Plugin {
    private final String name;
    private final int priority;
    private final String description;

    /**
     * @param name        the name users select the plugin by (see {@link Plugin#name()})
     * @param priority    higher wins under {@code auto}
     * @param description one line for {@code ./valle plugins}: what the plugin is
     */
    protected DescribedPlugin(String name, int priority, String description) {
        this.name = name;
        this.priority = priority;
        this.description = description;
    }

    /**
     * A plugin that computes its description (from its settings, or from the runtime it found) and overrides
     * {@link #description()}.
     */
    protected DescribedPlugin(String name, int priority) {
        this(name, priority, null);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    /**
     * The description given to the constructor (the class name when none was); a plugin whose description depends
     * on its settings overrides this.
     */
    @Override
    public String description() {
        return description != null ? description : Plugin.super.description();
    }

    /**
     * Always available: a plain-Java plugin that needs nothing beyond the JDK can always run. A plugin that needs a
     * native library or runtime overrides this to check for it.
     */
    @Override
    public Availability availability() {
        return Availability.yes();
    }
}
