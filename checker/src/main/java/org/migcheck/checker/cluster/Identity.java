package org.migcheck.checker.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a member must share with the coordinator to take part in its search: the same migcheck code
 * and model code, byte for byte. The code hash is SHA-256 over the contents (not the paths) of the
 * jars or class directories that hold migcheck's modules and the user's {@code --classpath} entries;
 * with the same code, the same scenario, variant and knob values build the same model, so a run names
 * those and the member checks the code hash and that it knows the scenario.
 */
public final class Identity {
    private Identity() {}

    private static final String[] ANCHORS = {
        "org.migcheck.model.scenarios.Scenario", "org.migcheck.properties.RuleSet", "org.migcheck.checker.run.Checker",
    };

    /** The code hash of this process: migcheck's modules plus {@code extra} (the user's --classpath entries). */
    public static String codeHash(List<String> extra) {
        Set<Path> roots = new LinkedHashSet<>();
        for (String anchor : ANCHORS) {
            try {
                Class<?> c = Class.forName(anchor, false, Identity.class.getClassLoader());
                roots.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("cannot locate migcheck's code (" + anchor + "): " + e);
            }
        }
        for (String e : extra) {
            roots.add(Path.of(e).toAbsolutePath().normalize());
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (Path root : roots) {
                md.update((byte) '|');
                if (Files.isDirectory(root)) {
                    List<Path> files = new ArrayList<>();
                    try (Stream<Path> s = Files.walk(root)) {
                        s.filter(Files::isRegularFile).sorted().forEach(files::add);
                    }
                    for (Path f : files) {
                        md.update(root.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                        digest(md, f, buf);
                    }
                } else if (Files.isRegularFile(root)) {
                    digest(md, root, buf);
                } else {
                    md.update("missing".getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void digest(MessageDigest md, Path f, byte[] buf) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        md.update((byte) 0);
    }
}
