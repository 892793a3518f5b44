package valle.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import valle.api.plugin.Availability;
import valle.api.plugin.Plugin;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;

/**
 * One discovered plugin as {@code valle plugins} lists it and {@code valle doctor} reports it: its kind, name,
 * backend, priority, module and whether it can run here.
 */
record PluginRow(String kind, String name, String backend, int priority, String module, Availability availability) {

    /** Every plugin of {@code plugins}, kind by kind in the registries' order. */
    static List<PluginRow> of(Plugins plugins) {
        List<PluginRow> rows = new ArrayList<>();
        for (PluginRegistry<? extends Plugin> registry : plugins.all()) {
            for (Plugin p : registry.all()) {
                Module m = p.getClass().getModule();
                rows.add(new PluginRow(registry.kind(), p.name(), p.backend(), p.priority(),
                        m.isNamed() ? m.getName() : "(class path)", p.availability()));
            }
        }
        return List.copyOf(rows);
    }

    /** The row as {@code valle doctor} reports it: availability as a flag and, when false, why and the fix. */
    Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("name", name);
        m.put("backend", backend);
        m.put("priority", priority);
        m.put("available", availability.ok());
        m.put("why_not", availability.ok() ? "" : availability.toString());
        return m;
    }
}
