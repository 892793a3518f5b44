/**
 * An example backbone plugin written outside valle: it depends on valle's SPI and kit only and declares its arch with
 * {@code provides}; valle finds it wherever its jar lies on the module path (or the class path, through
 * {@code META-INF/services}).
 */
module com.example.mingru {
    requires valle.api;
    requires valle.kit;

    provides valle.api.arch.Arch with com.example.mingru.MinGruArch;
}
