package valle.core.sample;

import valle.api.plugin.Availability;
import valle.api.sample.Sampler;

/**
 * What every sampler stage of the reference's pipeline shares: a name, its place in {@code Base.sample}'s
 * order, always available (plain Java), and priority 0 (stages are chosen by the settings, never by
 * {@code auto}).
 */
abstract class ReferenceStage implements Sampler {
    private final String name;
    private final int order;
    private final String description;

    ReferenceStage(String name, int order, String description) {
        this.name = name;
        this.order = order;
        this.description = description;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return 0;
    }

    @Override
    public final Availability availability() {
        return Availability.yes();
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final int order() {
        return order;
    }
}
