package valle.arch.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.attention.SdpaKernel;
import valle.tck.contract.BackboneContract;

/** The llama backbone under the backbone contract (grouped-query attention: 4 heads over 2 kv heads). */
class LlamaBackboneTest extends BackboneContract {
    private static final BackboneConfig CONFIG =
            new BackboneConfig("llama", 16, 4, 2, 2, 40, 1e-6f, 10000f, "gelu", Map.of());

    @Override
    protected Arch arch() {
        return new LlamaArch();
    }

    @Override
    protected BackboneConfig config() {
        return CONFIG;
    }

    @Override
    protected AttentionKernel attention() {
        return new SdpaKernel();
    }
}
