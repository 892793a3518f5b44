/**
 * valle as a service: an OpenAI-compatible {@code POST /v1/audio/speech} that streams audio sentence by
 * sentence, voices from a folder or uploads, health and Prometheus metrics, and a web page to try it, on
 * Javalin (Jetty 12). Start one with {@link valle.server.ValleServer#start}.
 */
module valle.server {
    requires transitive valle.core;
    requires valle.kit;
    requires io.javalin;
    requires org.slf4j;
    // the Opus and MP3 encoders: jars without module descriptors, so automatic modules named after their files
    requires concentus;
    requires jump3r;
    // jump3r describes PCM with javax.sound.sampled.AudioFormat
    requires java.desktop;

    exports valle.server;
}
