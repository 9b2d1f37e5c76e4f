package citebox.estest;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestHandler;

/**
 * TEST-ONLY plugin for Citebox's engine tests on the Elasticsearch integ-test-zip from Maven Central.
 *
 * <p>That zip ships only the transport-netty4, x-pack-core, x-pack-security and apm modules. Citebox
 * needs two things a full distribution gets from other modules, and this plugin provides exactly those,
 * built from the same Lucene classes, so that the node behaves as the full distribution does for them:
 *
 * <ul>
 *   <li>from {@code analysis-common}: the {@code english} and {@code cjk} analyzers and the
 *       {@code cjk_width} and {@code asciifolding} token filters ({@code standard} and
 *       {@code lowercase} are in the server already);
 *   <li>from {@code rest-root}: {@code GET /} and {@code HEAD /}, which clients call for
 *       {@code info()} and {@code ping()}.
 * </ul>
 *
 * <p>It is never part of a production deployment: the full distribution (the compose image) has
 * these modules. Anything else those modules offer is absent on purpose, so that Citebox's start-up
 * feature check reports it when a future design needs it.
 */
public final class CiteboxTestModulesPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService = services.clusterService();
        return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodes,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new RootInfoHandler(() -> clusterService));
    }

    // ---- analyzers: by name in mappings (pre-built) and as a type in index settings (configurable)

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(
            new PreBuiltAnalyzerProviderFactory("english", CachingStrategy.LUCENE, EnglishAnalyzer::new),
            new PreBuiltAnalyzerProviderFactory("cjk", CachingStrategy.LUCENE, CJKAnalyzer::new)
        );
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of(
            "english", (IndexSettings index, Environment env, String name, Settings settings) -> provider(
                name,
                new EnglishAnalyzer(
                    Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
                    Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
                )
            ),
            "cjk", (IndexSettings index, Environment env, String name, Settings settings) -> provider(
                name,
                new CJKAnalyzer(Analysis.parseStopWords(env, settings, CJKAnalyzer.getDefaultStopSet()))
            )
        );
    }

    private static <A extends Analyzer> AnalyzerProvider<A> provider(String name, A analyzer) {
        return new AbstractIndexAnalyzerProvider<>(name) {
            @Override
            public A get() {
                return analyzer;
            }
        };
    }

    // ---- token filters

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        return List.of(
            PreConfiguredTokenFilter.singleton("cjk_width", true, CJKWidthFilter::new),
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new)
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "cjk_width", (IndexSettings index, Environment env, String name, Settings settings) ->
                new NormalizingFilter(name, CJKWidthFilter::new),
            "asciifolding", (IndexSettings index, Environment env, String name, Settings settings) -> {
                final boolean preserveOriginal = settings.getAsBoolean("preserve_original", false);
                return new NormalizingFilter(name, in -> new ASCIIFoldingFilter(in, preserveOriginal));
            }
        );
    }

    /** A filter that also applies to normalizers and multi-term queries, as the originals do. */
    private static final class NormalizingFilter extends AbstractTokenFilterFactory
        implements NormalizingTokenFilterFactory {
        private final java.util.function.Function<TokenStream, TokenStream> make;

        NormalizingFilter(String name, java.util.function.Function<TokenStream, TokenStream> make) {
            super(name);
            this.make = make;
        }

        @Override
        public TokenStream create(TokenStream in) {
            return make.apply(in);
        }
    }
}
