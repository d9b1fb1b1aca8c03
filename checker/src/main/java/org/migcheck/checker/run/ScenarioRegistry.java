package org.migcheck.checker.run;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.Rule;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;

/**
 * The scenarios a command can name: the bundled {@link Catalogue} and the users' own scenarios
 * found with {@link ServiceLoader} ({@code META-INF/services/org.migcheck.model.scenarios.Scenario})
 * on extra class-path entries, and the users' own rules ({@code META-INF/services/org.migcheck.properties.Rule})
 * that every command checks besides the kernel rules. Every command that takes a scenario id or a replay token looks it up
 * here, so a user's scenario is checked, listed, mutated, benchmarked and replayed like a bundled one.
 *
 * <p>Ids are unique across bundled and plugin scenarios: a plugin that reuses an id is refused
 * ({@link PluginException}) rather than shadowing a bundled scenario or another plugin.
 */
public final class ScenarioRegistry {
    private final List<Scenario> bundled;
    private final List<Scenario> plugins;
    private final List<Rule> rules;
    private final Map<String, Scenario> byId = new LinkedHashMap<>();

    private ScenarioRegistry(List<Scenario> bundled, List<Scenario> plugins, List<Rule> rules) {
        this.bundled = List.copyOf(bundled);
        this.plugins = List.copyOf(plugins);
        this.rules = List.copyOf(rules);
        for (Scenario s : this.bundled) {
            byId.put(s.id(), s);
        }
        for (Scenario s : this.plugins) {
            byId.put(s.id(), s);
        }
    }

    /** A plugin that cannot be used: one line naming the class, the entry or the id at fault. */
    public static final class PluginException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PluginException(String message) { super(message); }
    }

    /** The bundled catalogue only. */
    public static ScenarioRegistry bundled() { return new ScenarioRegistry(Catalogue.all(), List.of(), List.of()); }

    /**
     * The bundled catalogue plus every {@code Scenario} service in {@code entries} (jar files or class
     * directories). Missing entries, providers that fail to load or construct, and duplicate ids are
     * {@link PluginException}s.
     */
    public static ScenarioRegistry withClasspath(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return bundled();
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : entries) {
            if (entry.isBlank()) {
                throw new PluginException("--classpath has an empty entry (give jars or class directories, separated by "
                        + File.pathSeparator + ")");
            }
            File f = new File(entry);
            if (!f.exists()) {
                throw new PluginException("--classpath entry " + entry + " does not exist");
            }
            if (f.isFile() && !f.getName().endsWith(".jar")) {
                throw new PluginException("--classpath entry " + entry + " is neither a directory nor a .jar file");
            }
            if (f.isFile()) {
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(f)) {
                    zip.size();
                } catch (java.io.IOException e) {
                    throw new PluginException("--classpath entry " + entry + " is not a readable jar (zip) file: " + e.getMessage());
                }
            }
            try {
                urls.add(f.toURI().toURL());
            } catch (MalformedURLException e) {
                throw new PluginException("--classpath entry " + entry + " is not a valid path: " + e.getMessage());
            }
        }
        ClassLoader loader = new URLClassLoader("migcheck-plugins", urls.toArray(new URL[0]), ScenarioRegistry.class.getClassLoader());
        return withLoader(loader, String.join(File.pathSeparator, entries));
    }

    /** The bundled catalogue plus every {@code Scenario} service visible to {@code loader}. */
    public static ScenarioRegistry withLoader(ClassLoader loader, String where) {
        List<Scenario> bundled = Catalogue.all();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Scenario s : bundled) {
            origin.put(s.id(), "the bundled catalogue");
        }
        List<Scenario> plugins = new ArrayList<>();
        Iterator<Scenario> it = ServiceLoader.load(Scenario.class, loader).iterator();
        while (true) {
            Scenario s;
            try {
                if (!it.hasNext()) {
                    break;
                }
                s = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PluginException("cannot load a scenario plugin from " + where + ": " + oneLine(e));
            }
            String cls = s.getClass().getName();
            String id;
            List<org.migcheck.model.scenarios.Variant> variants;
            List<org.migcheck.model.scenarios.Knob> knobs;
            try {
                id = s.id();
                variants = s.variants();
                knobs = s.knobs();
                // list and every report print these: a plugin that cannot give them is refused here, named, not
                // half-way through a listing (an independent review saw list print 456 lines, then an internal error)
                for (String[] part : new String[][] {{"title()", s.title()}, {"reference()", s.reference()}, {"sourceFile()", s.sourceFile()}}) {
                    if (part[1] == null) {
                        throw new PluginException("scenario plugin " + cls + " gives null for " + part[0] + "; \"\" is none");
                    }
                }
            } catch (Throwable e) {
                org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
                if (e instanceof PluginException p) {
                    throw p;
                }
                throw new PluginException("scenario plugin " + cls + " fails to describe itself: " + oneLine(e));
            }
            if (!Scenario.token(id, ":")) {
                throw new PluginException("scenario plugin " + cls + " has id '" + id + "'; an id is non-empty, without spaces,"
                        + " control characters or ':'");
            }
            if (variants == null || knobs == null) {
                throw new PluginException("scenario plugin " + cls + " (" + id + ") gives null " + (variants == null ? "variants" : "knobs")
                        + "; List.of() is none");
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (org.migcheck.model.scenarios.Variant v : variants) {
                // a replay token and --variant name a variant: one name must mean one variant
                if (v == null || !Scenario.token(v.name(), ":,")) {
                    throw new PluginException("scenario plugin " + cls + " (" + id + ") has a variant named '" + (v == null ? null : v.name())
                            + "'; a variant name is non-empty, without spaces, control characters, ':' or ','");
                }
                if (!names.add(v.name())) {
                    throw new PluginException("scenario plugin " + cls + " (" + id + ") has two variants named " + v.name());
                }
            }
            String before = origin.putIfAbsent(id, "class " + cls);
            if (before != null) {
                throw new PluginException("duplicate scenario id " + id + ": class " + cls + " and " + before);
            }
            try {
                org.migcheck.model.scenarios.Knob.checkConditions(id, s.knobs());
            } catch (org.migcheck.model.lang.ModelError e) {
                throw new PluginException("scenario plugin " + cls + ": " + e.getMessage());
            }
            for (org.migcheck.model.scenarios.Variant v : s.variants()) {
                try {
                    org.migcheck.model.scenarios.Knobs.resolve(id, s.knobs(), v.settings());
                } catch (org.migcheck.model.lang.ModelError e) {
                    throw new PluginException("scenario plugin " + cls + ", variant " + v.name() + ": " + e.getMessage());
                }
            }
            plugins.add(s);
        }
        allListedLoaded(loader, Scenario.class, plugins, "scenario");
        return new ScenarioRegistry(bundled, plugins, rules(loader, where));
    }

    /**
     * Every class named in a {@code META-INF/services} file for {@code service} was loaded. ServiceLoader
     * passes over a named class that belongs to a named module (a JDK class such as java.lang.String)
     * without a word; a user who lists one expects an error, as for any class that is not a plugin.
     */
    private static void allListedLoaded(ClassLoader loader, Class<?> service, List<?> loaded, String what) {
        java.util.Set<String> got = new java.util.HashSet<>();
        for (Object o : loaded) {
            got.add(o.getClass().getName());
        }
        try {
            java.util.Enumeration<URL> files = loader.getResources("META-INF/services/" + service.getName());
            while (files.hasMoreElements()) {
                URL file = files.nextElement();
                String text;
                try (java.io.InputStream in = file.openStream()) {
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                for (String line : text.split("\\R")) {
                    int hash = line.indexOf('#');
                    String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                    if (!name.isEmpty() && !got.contains(name)) {
                        throw new PluginException(what + " plugin " + name + ", listed in " + file + ", was not loaded: a class of a"
                                + " named module (the JDK's, for one) cannot be a plugin; list a class of your own that implements "
                                + service.getName());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new PluginException("cannot read the " + what + " plugin list: " + oneLine(e));
        }
    }

    /** The users' rules ({@code META-INF/services/org.migcheck.properties.Rule}): invariants and step rules. */
    private static List<Rule> rules(ClassLoader loader, String where) {
        Map<String, String> origin = new LinkedHashMap<>();
        for (Rule r : KernelRules.all().rules()) {
            origin.put(r.id(), "the kernel rules");
        }
        origin.put(RuleSet.LOCK_CYCLE, "the kernel rules");
        List<Rule> out = new ArrayList<>();
        Iterator<Rule> it = ServiceLoader.load(Rule.class, loader).iterator();
        while (true) {
            Rule r;
            try {
                if (!it.hasNext()) {
                    break;
                }
                r = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PluginException("cannot load a rule plugin from " + where + ": " + oneLine(e));
            }
            String cls = r.getClass().getName();
            if (!(r instanceof Invariant) && !(r instanceof StepRule)) {
                throw new PluginException("rule plugin " + cls + " is neither an Invariant nor a StepRule");
            }
            if (r instanceof Invariant && r instanceof StepRule) {
                throw new PluginException("rule plugin " + cls + " is both an Invariant and a StepRule (one of its checks would"
                        + " not run); split it into two rules, each with an id of its own");
            }
            String id;
            String statement;
            String kernelRef;
            try {
                id = r.id();
                statement = r.statement();
                kernelRef = r.kernelRef();
            } catch (Throwable e) {
                org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
                throw new PluginException("rule plugin " + cls + " fails to describe itself (id, statement, kernelRef): " + oneLine(e));
            }
            if (!org.migcheck.properties.RuleSet.plainId(id)) {
                // --rule and --skip-rule take ids separated by commas
                throw new PluginException("rule plugin " + cls + " has id '" + id + "'; an id is non-empty, without spaces, control"
                        + " characters or ','");
            }
            if (statement == null || kernelRef == null) {
                throw new PluginException("rule plugin " + cls + " (" + id + ") gives no " + (statement == null ? "statement" : "kernelRef")
                        + "; reports print both");
            }
            String before = origin.putIfAbsent(id, "class " + cls);
            if (before != null) {
                throw new PluginException("duplicate rule id " + id + ": class " + cls + " and " + before);
            }
            out.add(r);
        }
        allListedLoaded(loader, Rule.class, out, "rule");
        return out;
    }

    private static String oneLine(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (b.length() > 0) {
                b.append(": ");
            }
            String m = t.getMessage();
            b.append(m == null ? t.getClass().getSimpleName() : t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError
                    ? "class " + m.replace('/', '.') + " not found" : m);
            if (t.getCause() == t) {
                break;
            }
        }
        String line = b.toString().replace('\n', ' ');
        // a services file saved with a byte-order mark: its first class name starts with an invisible U+FEFF, which
        // ServiceLoader prints as it is (the name looks right)
        return line.indexOf('\uFEFF') < 0 ? line : line.replace("\uFEFF", "") + " (the services file begins with a byte-order"
                + " mark, U+FEFF, before the class name: save it as UTF-8 without one)";
    }

    /** The scenario with id {@code id}, or null. */
    public Scenario find(String id) { return byId.get(id); }

    /** Bundled scenarios first, then plugins in discovery order. */
    public List<Scenario> all() {
        List<Scenario> out = new ArrayList<>(bundled);
        out.addAll(plugins);
        return out;
    }

    /** The kernel rules plus the users' rules found on the extra class path: what every command checks. */
    public RuleSet ruleSet() { return KernelRules.all().with(rules.toArray(new Rule[0])); }

    /** The users' rules found on the extra class path. */
    public List<Rule> rules() { return rules; }

    /** The users' scenarios found on the extra class path. */
    public List<Scenario> plugins() { return plugins; }

    /** Every id, for "unknown scenario" messages. */
    public List<String> ids() { return List.copyOf(byId.keySet()); }
}
