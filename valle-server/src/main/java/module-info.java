/**
 * valle as a service: an OpenAI-compatible {@code POST /v1/audio/speech} that streams audio sentence by
 * sentence (mp3, Ogg Opus, FLAC, WAV or PCM; raw or as server-sent events), voices from a folder or uploads
 * with OpenAI's voice names mapped to them, health and Prometheus metrics, and a web page to try it, on
 * Javalin (Jetty 12). Start one with {@link valle.server.ValleServer#start}.
 */
module valle.server {
    requires transitive valle.core;
    requires valle.kit;
    requires io.javalin;
    // whether a client left while its request generates: the Jetty connection under Javalin
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.ee10.servlet;
    requires org.eclipse.jetty.util;
    requires org.slf4j;
    // the Opus and MP3 encoders: jars without module descriptors, so automatic modules named after their files
    requires concentus;
    requires jump3r;
    // jump3r describes PCM with javax.sound.sampled.AudioFormat
    requires java.desktop;

    exports valle.server;
}
