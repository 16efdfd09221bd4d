package dev.modelforge.compress;

import dev.modelforge.onnx.ScratchDirs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.pass.NothingToDoException;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeException;
import dev.modelforge.compress.recipe.RecipeRunner;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.report.ModelStats;
import dev.modelforge.compress.report.ToolVersion;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.ValidationResult;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.SignatureReader;
import dev.modelforge.onnx.data.EvalDataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs a compression end to end: read the model, check the data against its signature, run the
 * recipe, write the result to a temporary file beside the output, validate it with ONNX Runtime,
 * and only then move it into place. Any failure leaves no output file behind.
 *
 * <p>The {@code auto} recipe first runs the accuracy-aware search ({@link dev.modelforge.compress.search.AutoSearch}),
 * then builds the recipe it chose the same way; the report carries the search's JSON.
 */
public final class Compressor {
    private final PassRegistry registry;

    /** A compressor using every pass on the class path. */
    public Compressor() {
        this(PassRegistry.discover());
    }

    public Compressor(PassRegistry registry) {
        this.registry = registry;
    }

    /** The registry passes are looked up in. */
    public PassRegistry registry() {
        return registry;
    }

    /**
     * Compresses {@code req.input()} into {@code req.output()}.
     *
     * @return the report (also describing validation)
     * @throws CompressionException with the kind of failure; no output file exists then
     */
    public CompressionReport compress(CompressionRequest req) throws CompressionException {
        long start = System.nanoTime();
        RecipeRunner runner = new RecipeRunner(registry);
        Recipe canonical;
        try {
            canonical = runner.canonical(req.recipe());
        } catch (RecipeException e) {
            throw new CompressionException(CompressionException.Kind.BAD_RECIPE, e.getMessage(), e);
        }
        boolean auto = AutoRecipeRun.isAuto(canonical);
        if (auto && canonical.steps().size() > 1) {
            throw new CompressionException(CompressionException.Kind.BAD_RECIPE, "the auto recipe chooses whole "
                    + "recipes itself: it must be the only step (it has " + canonical.steps().size() + ")");
        }
        if (!auto && req.warmStart().isPresent()) {
            throw new CompressionException(CompressionException.Kind.BAD_RECIPE,
                    "a warm start applies only to the auto recipe");
        }
        if (!Files.isRegularFile(req.input())) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT, "input model " + req.input() + " does not exist");
        }
        Model in;
        ModelSignature signature;
        try {
            in = ModelFiles.read(req.input());
            try (InputStream s = Files.newInputStream(req.input())) {
                signature = SignatureReader.read(s);
            }
        } catch (IOException | RuntimeException e) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT, "cannot read " + req.input() + ": " + e.getMessage(), e);
        }
        if (auto && req.eval().isEmpty()) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT, "the auto recipe needs an evaluation "
                    + "set with labels (" + req.audience().supplyEval() + "): it measures accuracy to choose a variant");
        }
        EvalDataset eval = null;
        if (req.eval().isPresent()) {
            eval = loadData(req.audience().evalSet(req.eval().get()), req.eval().get(), signature);
            if (auto && eval.labels().isEmpty()) {
                throw new CompressionException(CompressionException.Kind.BAD_INPUT, "the auto recipe needs labels "
                        + "in " + req.audience().evalSet(req.eval().get()) + " (an array named 'labels')");
            }
        }
        if (req.calibration().isPresent()) {
            loadData(req.audience().calibrationSet(req.calibration().get()), req.calibration().get(), signature);
        }
        Path tmpDir;
        try {
            tmpDir = ScratchDirs.createDirectory(null, "modelforge-compress-");
        } catch (IOException e) {
            throw new CompressionException(CompressionException.Kind.IO, "cannot create a scratch directory: " + e.getMessage(), e);
        }
        try {
            Recipe toRun = canonical;
            JsonNode search = null;
            ValidationGate gate = req.gate();
            if (auto) {
                PassParams autoParams;
                try {
                    autoParams = runner.resolve(canonical).get(0).params();
                } catch (RecipeException e) {
                    throw new CompressionException(CompressionException.Kind.BAD_RECIPE, e.getMessage(), e);
                }
                AutoRecipeRun.Result found = AutoRecipeRun.search(req, autoParams, req.eval().get());
                search = found.search();
                // the search owns the accuracy budget and returns its best variant even when it misses it
                // (with a diagnosis); validation still proves the variant loads and runs
                gate = ValidationGate.loadAndRunOnly();
                try {
                    toRun = runner.canonical(found.recipe());
                } catch (RecipeException e) {
                    throw new IllegalStateException("the search chose a recipe that does not resolve", e);
                }
            }
            RecipeRunner.Outcome outcome;
            try {
                PassContext ctx = new PassContext(PassParams.none(), req.calibration(), req.progress(),
                        req.threads(), tmpDir, req.audience());
                // the chosen recipe is rebuilt from the float model: this proves the stored recipe
                // reproduces the variant and yields the per-pass reports
                outcome = toRun.steps().isEmpty() ? new RecipeRunner.Outcome(in.copy(), java.util.List.of())
                        : runner.run(in, toRun, ctx);
            } catch (NothingToDoException e) {
                throw new CompressionException(CompressionException.Kind.NOTHING_TO_DO, e.getMessage(), e);
            } catch (PassException e) {
                throw new CompressionException(CompressionException.Kind.REFUSED, e.getMessage(), e);
            } catch (RecipeException e) {
                throw new CompressionException(CompressionException.Kind.BAD_RECIPE, e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new CompressionException(CompressionException.Kind.REFUSED,
                        "a pass failed on this model: " + e, e);
            }
            Model out = outcome.model();
            out.setProducer(ToolVersion.TOOL_NAME, ToolVersion.version());
            out.putMetadata("modelforge.recipe", canonical.canonicalJson());
            out.putMetadata("modelforge.recipe.sha256", canonical.sha256());
            if (auto) {
                out.putMetadata("modelforge.recipe.resolved", toRun.canonicalJson());
            }
            return writeValidated(req, gate, in, out, canonical, outcome, eval, start, search);
        } finally {
            deleteQuietly(tmpDir);
        }
    }

    private CompressionReport writeValidated(CompressionRequest req, ValidationGate gate, Model in, Model out,
                                             Recipe canonical, RecipeRunner.Outcome outcome, EvalDataset eval,
                                             long start, JsonNode search)
            throws CompressionException {
        Path target = req.output().toAbsolutePath();
        Path dir = target.getParent();
        String dataName = target.getFileName() + ".data";
        Path tmp = dir.resolve("." + target.getFileName() + ".partial");
        try {
            Files.createDirectories(dir);
            ModelFiles.write(out, tmp, dataName);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            deleteQuietly(dir.resolve(dataName));
            throw new CompressionException(CompressionException.Kind.IO, "cannot write " + tmp + ": " + e.getMessage(), e);
        }
        ValidationResult v = new Validator(req.threads(), 32, gate, req.syntheticInputs()).validate(tmp, req.input(), eval);
        if (!v.passed()) {
            deleteQuietly(tmp);
            deleteQuietly(dir.resolve(dataName));
            throw new CompressionException(CompressionException.Kind.VALIDATION_FAILED,
                    "the compressed model failed validation: " + v.failure());
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new CompressionException(CompressionException.Kind.IO, "cannot move the output into place: " + e.getMessage(), e);
        }
        long inBytes = fileBytes(req.input(), in);
        long outBytes = fileBytes(target, out);
        return new CompressionReport(ToolVersion.TOOL_NAME, ToolVersion.version(), canonical.canonicalJson(),
                canonical.sha256(), ModelStats.of(in, inBytes), ModelStats.of(out, outBytes), outcome.reports(), v,
                (System.nanoTime() - start) / 1_000_000, search);
    }

    private static EvalDataset loadData(String what, Path p, ModelSignature sig) throws CompressionException {
        try {
            return EvalDataset.load(p, sig);
        } catch (RuntimeException e) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT,
                    what + " does not fit the model: " + e.getMessage(), e);
        }
    }

    /** Bytes on disk; weights kept in external files are counted by their raw size. */
    private static long fileBytes(Path modelFile, Model m) {
        try {
            long n = Files.size(modelFile);
            return n < m.graph().initializerBytes() ? n + m.graph().initializerBytes() : n;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            if (Files.isDirectory(p)) {
                try (var s = Files.walk(p)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: the scratch directory is under java.io.tmpdir
        }
    }

}
