package valle.core.sample;

import valle.api.sample.Sampler;
import valle.kit.plugin.DescribedPlugin;

/**
 * What every sampler stage of the reference's pipeline shares: a name, its place in {@code Base.sample}'s
 * order, always available (plain Java), and priority 0 (stages are chosen by the settings, never by
 * {@code auto}).
 */
abstract class ReferenceStage extends DescribedPlugin implements Sampler {
    private final int order;

    ReferenceStage(String name, int order, String description) {
        super(name, 0, description);
        this.order = order;
    }

    @Override
    public final int order() {
        return order;
    }
}
