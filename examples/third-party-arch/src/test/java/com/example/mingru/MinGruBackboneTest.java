package com.example.mingru;

import java.util.Map;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.tck.contract.BackboneContract;

/** The minGRU stack under valle's backbone contract: everything a backbone must do, checked on random weights. */
class MinGruBackboneTest extends BackboneContract {

    @Override
    protected Arch arch() {
        return new MinGruArch();
    }

    @Override
    protected BackboneConfig config() {
        return new BackboneConfig("mingru", 16, 1, 1, 3, 16, 1e-6f, 10000f, "gelu", Map.of());
    }

    /** A recurrence: every row sees the rows before it only, whatever the mask mode asks. */
    @Override
    protected boolean honoursBidirectionalMask() {
        return false;
    }
}
