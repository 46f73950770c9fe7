package io.stemedb.node.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.RouteTables;
import io.stemedb.node.testing.TestKeys;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The READMEs and docs/ describe the code as it is: every class they name in inline code exists
 * (in this repository, or on the classpath for a library's class such as Chronicle's
 * {@code ExcerptAppender}), every endpoint they name (in inline code or in a code block's curl
 * line) is served by a running node, and every {@code stemedb.*} property they name is bound by a
 * configuration record (or is read as a system property, or is a protobuf package). A rename that
 * leaves a doc behind fails the build, with the file and the name.
 */
class DocsMatchCodeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```\\s*$");
    private static final Pattern INLINE = Pattern.compile("`([^`\\n]+)`");
    /** A Java type name: upper camel case with at least two humps (so not {@code GET} or {@code Ready}); not a JVM flag ({@code -XX:Name}). */
    private static final Pattern TYPE = Pattern.compile("(?<![\\w$:-])([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)(?:\\.([A-Z][A-Za-z0-9_]*))?");
    /** A path at the start of a code span, after a space, quote, bracket or a URL's port. */
    private static final Pattern ENDPOINT = Pattern.compile(
            "(?:^|(?<=[\\s\"'(\\[=]|\\d))(/(?:v1|cluster|admin|actuator|metrics)(?:/[A-Za-z0-9_{}<>*.-]+)*/?)");
    private static final Pattern PROPERTY = Pattern.compile("(?<![\\w.])(stemedb\\.[a-z][a-z0-9-]*(?:\\.[a-z0-9*][a-z0-9-]*|\\[[a-z0-9]+\\])*)");

    /**
     * Upper-camel-case words in code spans that are not Java types of this classpath, each on
     * purpose: the product's name in a log line, a browser API, a model project's type.
     */
    private static final Set<String> NOT_OUR_TYPES = Set.of(
            "StemeDB",      // the product, in quoted log lines ("StemeDB node node1 ready")
            "EventSource",  // the browser's SSE client, for the watch feed
            "MerkleTree");  // Apache Cassandra's, the model for anti-entropy

    @TempDir
    Path data;

    @Test
    void everyClassEndpointAndPropertyTheDocsNameExists() throws Exception {
        List<Path> documents = documents();
        assertThat(documents).as("documents read").hasSizeGreaterThan(8);
        Set<String> ourTypes = ourTypes();
        ourTypes.addAll(protoNames());
        Set<String> libraryTypes = libraryTypes();
        List<String> routes = liveRoutes();
        routes.addAll(actuatorPathsWhenRunAlone());
        Set<String> sourceStrings = javaSourceText();
        Set<String> protoPackages = protoPackages();
        Map<String, Class<?>> propertyRoots = propertyRoots();
        assertThat(propertyRoots).containsKeys("stemedb.api", "stemedb.wal", "stemedb.gateway");

        List<String> missing = new ArrayList<>();
        int names = 0;
        for (Path document : documents) {
            String text = Files.readString(document);
            String where = ROOT.relativize(document).toString();
            List<String> fences = new ArrayList<>();
            Matcher fence = FENCE.matcher(text);
            while (fence.find()) {
                fences.add(fence.group());
            }
            String prose = FENCE.matcher(text).replaceAll("");
            List<String> inline = new ArrayList<>();
            Matcher code = INLINE.matcher(prose);
            while (code.find()) {
                inline.add(code.group(1));
            }
            for (String span : inline) {
                Matcher type = TYPE.matcher(span);
                while (type.find()) {
                    names++;
                    String problem = typeProblem(type.group(1), type.group(2), ourTypes, libraryTypes);
                    if (problem != null) {
                        missing.add(where + ": class `" + type.group() + "` " + problem);
                    }
                }
                Matcher property = PROPERTY.matcher(span);
                while (property.find()) {
                    names++;
                    String name = property.group(1);
                    if (!propertyExists(name, propertyRoots, sourceStrings, protoPackages)) {
                        missing.add(where + ": property `" + name + "` is not bound by any configuration record");
                    }
                }
            }
            List<String> withEndpoints = new ArrayList<>(inline);
            withEndpoints.addAll(fences);
            for (String span : withEndpoints) {
                Matcher endpoint = ENDPOINT.matcher(span);
                while (endpoint.find()) {
                    names++;
                    String path = endpoint.group(1);
                    if (!endpointExists(path, routes)) {
                        missing.add(where + ": endpoint `" + path + "` is served by neither the api nor the gateway");
                    }
                }
            }
        }
        assertThat(names).as("names checked").isGreaterThan(200);
        assertThat(new TreeSet<>(missing)).as("names in the docs that the code does not have").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Documents

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        try (Stream<Path> modules = Files.list(ROOT)) {
            modules.map(module -> module.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(documents::add);
        }
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    // ---------------------------------------------------------------------------------------------
    // Classes

    private static String typeProblem(String outer, String nested, Set<String> ourTypes, Set<String> libraryTypes)
            throws IOException {
        if (NOT_OUR_TYPES.contains(outer)) {
            return null;
        }
        if (ourTypes.contains(outer)) {
            if (nested == null || Character.isLowerCase(nested.charAt(0))) {
                return null;
            }
            for (Path source : sourcesNamed(outer)) {
                String text = Files.readString(source);
                if (Pattern.compile("(class|record|interface|enum)\\s+" + nested + "\\b").matcher(text).find()
                        || Pattern.compile("\\b" + nested + "\\s*=").matcher(text).find()) {
                    return null;
                }
            }
            return "names " + nested + ", which " + outer + " does not declare";
        }
        return libraryTypes.contains(outer) ? null : "is neither in this repository nor on the classpath";
    }

    private static Set<String> ourTypes() throws IOException {
        Set<String> types = new HashSet<>();
        for (Path source : javaSources()) {
            String file = source.getFileName().toString();
            types.add(file.substring(0, file.length() - ".java".length()));
        }
        return types;
    }

    private static List<Path> sourcesNamed(String type) throws IOException {
        return javaSources().stream().filter(source -> source.getFileName().toString().equals(type + ".java")).toList();
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> path.toString().contains("/src/"))
                    .filter(path -> !path.toString().contains("/target/") && !path.toString().contains("/.git/"))
                    .toList();
        }
    }

    /** Simple names of every class on the test classpath and in the JDK. */
    private static Set<String> libraryTypes() throws IOException {
        Set<String> names = new HashSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                try (JarFile jar = new JarFile(entry)) {
                    jar.stream().forEach(file -> addClassName(file.getName(), names));
                }
            }
        }
        FileSystem jdk = FileSystems.getFileSystem(URI.create("jrt:/"));
        try (Stream<Path> files = Files.walk(jdk.getPath("/modules"))) {
            files.forEach(file -> addClassName(file.toString(), names));
        }
        return names;
    }

    private static void addClassName(String path, Set<String> names) {
        if (path.endsWith(".class")) {
            String name = path.substring(path.lastIndexOf('/') + 1, path.length() - ".class".length());
            for (String part : name.split("\\$")) {
                names.add(part);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Endpoints

    /** Every path the api and the gateway serve, from a running node's route tables. */
    private List<String> liveRoutes() throws Exception {
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("docs", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            List<String> routes = new ArrayList<>();
            List<String> api = paths(RouteTables.routes(node.service("api-service")));
            routes.addAll(api);
            routes.addAll(paths(RouteTables.routes(node.service("gateway-service"))));
            // The gateway's functional route: /admin/cluster/** is the api's /v1/admin/cluster/**.
            for (String path : api) {
                if (path.startsWith("/v1/admin/cluster/")) {
                    routes.add(path.substring("/v1".length()));
                }
            }
            return routes;
        }
    }

    private static List<String> paths(Collection<String> routes) {
        return routes.stream().map(route -> route.substring(route.indexOf(' ') + 1)).toList();
    }

    private static boolean endpointExists(String path, List<String> routes) {
        String trimmed = path.replaceAll("[.)]+$", "");
        if (trimmed.endsWith("/*") || trimmed.endsWith("/**")) {
            String prefix = trimmed.substring(0, trimmed.indexOf("/*") + 1);
            return routes.stream().anyMatch(route -> route.startsWith(prefix));
        }
        if (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        String placeholders = trimmed.replaceAll("<[^>/]*>", "{}").replaceAll("\\{[^}/]*}", "{}");
        for (String route : routes) {
            if (route.replaceAll("\\{[^}/]*}", "{}").equals(placeholders)) {
                return true;
            }
            PathPattern pattern = PathPatternParser.defaultInstance.parse(route);
            if (!placeholders.contains("{") && pattern.matches(PathContainer.parsePath(trimmed))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What each service exposes under {@code /actuator} on its own management port when run alone
     * (its yml's {@code exposure.include} and {@code path-mapping}), which an embedded node does
     * not serve.
     */
    private static List<String> actuatorPathsWhenRunAlone() throws IOException {
        List<String> paths = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path yml : files.filter(path -> path.toString().endsWith("-service.yml"))
                    .filter(path -> path.toString().contains("/src/main/resources/")).toList()) {
                String text = Files.readString(yml);
                Matcher include = Pattern.compile("include:\\s*([\\w, -]+)").matcher(text);
                while (include.find()) {
                    for (String endpoint : include.group(1).split(",")) {
                        paths.add("/actuator/" + endpoint.trim());
                    }
                }
                Matcher mapped = Pattern.compile("path-mapping:\\s*\\n(?:\\s+\\w+:\\s*(\\w+)\\s*\\n?)+").matcher(text);
                while (mapped.find()) {
                    paths.add("/actuator/" + mapped.group(1));
                }
            }
        }
        return paths;
    }

    // ---------------------------------------------------------------------------------------------
    // Properties

    /** Prefix to record, for every {@code @ConfigurationProperties} record in the repository. */
    private static Map<String, Class<?>> propertyRoots() throws Exception {
        Map<String, Class<?>> roots = new HashMap<>();
        Pattern annotation = Pattern.compile("@ConfigurationProperties\\(\"([^\"]+)\"\\)");
        for (Path source : javaSources()) {
            if (!source.toString().contains("/src/main/")) {
                continue;
            }
            Matcher prefix = annotation.matcher(Files.readString(source));
            if (prefix.find()) {
                String relative = source.toString().substring(source.toString().indexOf("/src/main/java/") + "/src/main/java/".length());
                String className = relative.substring(0, relative.length() - ".java".length()).replace('/', '.');
                roots.put(prefix.group(1), Class.forName(className));
            }
        }
        return roots;
    }

    private static boolean propertyExists(String name, Map<String, Class<?>> roots, Set<String> sourceStrings,
            Set<String> protoPackages) {
        if (sourceStrings.contains(name) || protoPackages.stream().anyMatch(pkg -> name.equals(pkg) || name.startsWith(pkg + "."))) {
            return true;
        }
        for (Map.Entry<String, Class<?>> root : roots.entrySet()) {
            if (name.equals(root.getKey() + ".*")) {
                return true;
            }
            if (name.startsWith(root.getKey() + ".")) {
                String rest = name.substring(root.getKey().length() + 1).replaceAll("\\[[a-z0-9]+]", ".[]");
                return resolves(root.getValue(), List.of(rest.split("\\.")));
            }
        }
        return false;
    }

    /** Whether {@code segments} (kebab-case, {@code []} for a list index, {@code *} for any) name a property of {@code type}. */
    private static boolean resolves(Type type, List<String> segments) {
        if (segments.isEmpty()) {
            return true;
        }
        String segment = segments.get(0);
        List<String> rest = segments.subList(1, segments.size());
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
        if (Map.class.isAssignableFrom(raw)) {
            return true; // any key
        }
        if (List.class.isAssignableFrom(raw) && segment.equals("[]")) {
            return resolves(((ParameterizedType) type).getActualTypeArguments()[0], rest);
        }
        if (segment.equals("*")) {
            return raw.isRecord() && rest.isEmpty();
        }
        if (!raw.isRecord()) {
            return false;
        }
        for (RecordComponent component : raw.getRecordComponents()) {
            if (kebab(component.getName()).equals(segment)) {
                return resolves(component.getGenericType(), rest);
            }
        }
        return false;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Every {@code "stemedb.…"} string literal in the sources: names read as system properties. */
    private static Set<String> javaSourceText() throws IOException {
        Set<String> literals = new HashSet<>();
        Pattern literal = Pattern.compile("\"(stemedb\\.[a-z0-9.-]+)\"");
        for (Path source : javaSources()) {
            Matcher matcher = literal.matcher(Files.readString(source));
            while (matcher.find()) {
                literals.add(matcher.group(1));
            }
        }
        return literals;
    }

    /** Services, rpcs, messages and enums of the gRPC contracts (docs name {@code GetStatus}, {@code EntryType}). */
    private static Set<String> protoNames() throws IOException {
        return protoMatches("\\b(?:service|rpc|message|enum)\\s+(\\w+)");
    }

    private static Set<String> protoPackages() throws IOException {
        return protoMatches("(?m)^package\\s+([\\w.]+);");
    }

    /** The first group of every match of {@code regex} in the repository's .proto files. */
    private static Set<String> protoMatches(String regex) throws IOException {
        Set<String> found = new HashSet<>();
        Pattern pattern = Pattern.compile(regex);
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path proto : files.filter(path -> path.toString().endsWith(".proto") && !path.toString().contains("/target/"))
                    .toList()) {
                Matcher matcher = pattern.matcher(Files.readString(proto));
                while (matcher.find()) {
                    found.add(matcher.group(1));
                }
            }
        }
        return found;
    }
}
