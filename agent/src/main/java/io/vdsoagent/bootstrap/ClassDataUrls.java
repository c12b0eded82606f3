package io.vdsoagent.bootstrap;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;

/**
 * URLs of the form {@code jar:file:/x/vdso-agent.jar!/inst/a/B.class} that open the stored
 * {@code inst/a/B.classdata} entry. URLs resolved against one (a base URL, then a sibling class) keep
 * this handler, so a URLClassLoader built on such a base still finds our classes.
 */
final class ClassDataUrls {
    static final URLStreamHandler HANDLER = new URLStreamHandler() {
        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            String spec = url.toExternalForm();
            if (spec.endsWith(".class")) {
                spec = spec.substring(0, spec.length() - ".class".length()) + ".classdata";
            }
            return new URL(spec).openConnection();
        }
    };

    private ClassDataUrls() {
    }
}
