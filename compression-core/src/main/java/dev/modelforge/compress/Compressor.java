package dev.modelforge.compress;

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
        EvalDataset eval = null;
        if (req.eval().isPresent()) {
            eval = loadData(req.eval().get(), signature, "evaluation");
        }
        if (req.calibration().isPresent()) {
            loadData(req.calibration().get(), signature, "calibration");
        }
        Path tmpDir;
        try {
            tmpDir = Files.createTempDirectory("modelforge-compress");
        } catch (IOException e) {
            throw new CompressionException(CompressionException.Kind.IO, "cannot create a scratch directory: " + e.getMessage(), e);
        }
        try {
            RecipeRunner.Outcome outcome;
            try {
                PassContext ctx = new PassContext(PassParams.none(), req.calibration(), req.progress(),
                        req.threads(), tmpDir);
                outcome = runner.run(in, canonical, ctx);
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
            return writeValidated(req, in, out, canonical, outcome, eval, start);
        } finally {
            deleteQuietly(tmpDir);
        }
    }

    private CompressionReport writeValidated(CompressionRequest req, Model in, Model out, Recipe canonical,
                                             RecipeRunner.Outcome outcome, EvalDataset eval, long start)
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
        ValidationResult v = new Validator(req.threads(), 32, req.gate(), req.syntheticInputs()).validate(tmp, req.input(), eval);
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
                (System.nanoTime() - start) / 1_000_000);
    }

    private static EvalDataset loadData(Path p, ModelSignature sig, String what) throws CompressionException {
        try {
            return EvalDataset.load(p, sig);
        } catch (RuntimeException e) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT,
                    what + " data " + p + " does not fit the model: " + e.getMessage(), e);
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
