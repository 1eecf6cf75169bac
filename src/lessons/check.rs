//! The checks of one lesson of a course manifest: its fields, kernel and backends, its
//! exercises (predictions, code, pairs) and its claims, each problem reported with the
//! span it is about so that the loader can name the file and line.

use std::collections::BTreeMap;
use std::ops::Range;

use super::*;

pub(super) fn check_lesson(
    raw: &ManifestLesson,
    files: &dyn Files,
    report: &mut dyn FnMut(Range<usize>, String),
) -> Option<Lesson> {
    let before = std::cell::Cell::new(0usize);
    let mut fail = |span: Range<usize>, message: String| {
        before.set(before.get() + 1);
        report(span, message);
    };
    let id = raw.id.get_ref();
    if id.trim().is_empty() {
        fail(raw.id.span(), "lesson id is empty".into());
    }
    let text = match files.read(raw.file.get_ref()) {
        Ok(text) => text,
        Err(ReadError { line, why }) => {
            let at = if line > 0 { format!(":{line}:") } else { String::new() };
            fail(raw.file.span(), format!("lesson file {}{at} {why}", files.display(raw.file.get_ref())));
            String::new()
        }
    };
    let kernel = kernels::find(raw.kernel.get_ref());
    if kernel.is_none() {
        fail(
            raw.kernel.span(),
            format!("unknown kernel '{}'; valid kernels: {}", raw.kernel.get_ref(), kernels::ids().join(", ")),
        );
    }
    let backends_list = raw.backends.get_ref();
    if backends_list.is_empty() {
        fail(raw.backends.span(), "give at least one backend".into());
    }
    for name in backends_list {
        if backends::find(name).is_none() {
            fail(
                raw.backends.span(),
                format!("unknown backend '{name}'; valid backends: {}", backends::ids().join(", ")),
            );
        }
    }
    let selected = match &raw.selected {
        Some(selected) => {
            for name in selected.get_ref() {
                if !backends_list.contains(name) {
                    fail(selected.span(), format!("selected backend '{name}' is not one of this lesson's backends"));
                }
            }
            selected.get_ref().clone()
        }
        None => backends_list.clone(),
    };
    if let Some(workers) = &raw.workers {
        if workers.get_ref().is_empty() {
            fail(workers.span(), "give at least one worker count, or leave `workers` out".into());
        }
        if let Some(bad) = workers.get_ref().iter().find(|&&w| w == 0 || w > MAX_WORKERS) {
            fail(workers.span(), format!("{bad} is not a valid worker count (1 to {MAX_WORKERS})"));
        }
    }
    if let Some(size) = &raw.size
        && *size.get_ref() == 0
    {
        fail(size.span(), "size must be at least 1".into());
    }
    if let Some(minutes) = &raw.minutes
        && (*minutes.get_ref() == 0 || *minutes.get_ref() > 600)
    {
        fail(minutes.span(), format!("minutes = {}: give 1 to 600", minutes.get_ref()));
    }
    if raw.reps == Some(0) {
        fail(raw.id.span(), format!("lesson '{id}': reps must be at least 1"));
    }
    let params = raw.params.as_ref().map(|p| p.get_ref().clone()).unwrap_or_default();
    if let (Some(kernel), Some(spanned)) = (kernel, &raw.params) {
        let size = raw.size.as_ref().map_or_else(|| kernel.small_size(), |s| *s.get_ref());
        if let Err(why) = check_params(kernel, backends_list, &params, size.min(kernel.small_size().max(1))) {
            fail(spanned.span(), why);
        }
    }
    let offered = |name: &str| backends_list.iter().any(|b| b == name);
    let mut course_files = BTreeMap::new();
    for variant in code::VARIANTS {
        let path = code::twin_path(raw.kernel.get_ref(), variant);
        // A twin is optional: the code pane says when a backend has none.
        if let Ok(text) = files.read(&path) {
            course_files.insert(path, text);
        }
    }
    for exercise in &raw.exercises {
        let span = exercise.span();
        match &exercise.get_ref().exercise {
            Exercise::Choice(choice) => {
                if choice.options.len() < 2 {
                    fail(span.clone(), "a choice exercise needs at least two options".into());
                }
                if choice.answer >= choice.options.len() {
                    fail(
                        span.clone(),
                        format!(
                            "answer {} is not an option index (0 to {})",
                            choice.answer,
                            choice.options.len().saturating_sub(1)
                        ),
                    );
                }
                if !choice.explanations.is_empty() && choice.explanations.len() != choice.options.len() {
                    fail(
                        span,
                        format!(
                            "{} explanations for {} options: give one per option, in the same order, or none",
                            choice.explanations.len(),
                            choice.options.len()
                        ),
                    );
                }
            }
            Exercise::Run(RunStep { backend, workers, .. }) => {
                if !offered(backend) {
                    fail(span.clone(), format!("backend '{backend}' is not one of this lesson's backends"));
                }
                if *workers == 0 || *workers > MAX_WORKERS {
                    fail(span.clone(), format!("{workers} is not a valid worker count (1 to {MAX_WORKERS})"));
                }
            }
            Exercise::Predict(predict) => {
                for why in check_prediction(predict, &offered) {
                    fail(span.clone(), why);
                }
                let mut merged = params.clone();
                merged.extend(predict.params.clone());
                if let (Some(kernel), false) = (kernel, predict.params.is_empty()) {
                    let size = raw.size.as_ref().map_or_else(|| kernel.small_size(), |s| *s.get_ref());
                    if let Err(why) = check_params(kernel, backends_list, &merged, size.min(kernel.small_size().max(1)))
                    {
                        fail(span.clone(), why);
                    }
                }
                if let Some(manifest::Expect::Amdahl) = predict.expect {
                    if predict.metric != Metric::Speedup {
                        fail(span.clone(), "expect = \"amdahl\" grades a speedup: give metric = \"speedup\"".into());
                    }
                    if merged.get("serial").and_then(|s| s.parse::<f64>().ok()).is_none_or(|s| !(0.0..1.0).contains(&s))
                    {
                        fail(
                            span.clone(),
                            "expect = \"amdahl\" needs the serial fraction: a `serial` parameter from 0 to 1 (the amdahl kernel's)".into(),
                        );
                    }
                }
            }
            Exercise::Pair(pair) => {
                for why in check_prediction(&pair.as_predict(), &offered) {
                    fail(span.clone(), why);
                }
                if pair.metric.is_measured() && !pair.metric.about().shared {
                    let shared: Vec<&str> =
                        Metric::PLAIN.iter().filter(|m| m.about().shared).map(|m| m.about().name).collect();
                    fail(
                        span.clone(),
                        format!(
                            "a share line does not carry metric {}: a pair exercise asks for one of {}",
                            pair.metric,
                            shared.join(", ")
                        ),
                    );
                }
            }
            Exercise::Code(code) => {
                for why in check_code(code) {
                    fail(span.clone(), why);
                }
                for name in [&code.starter, &code.solution] {
                    match files.read(name) {
                        Ok(text) => {
                            course_files.insert(name.clone(), text);
                        }
                        Err(ReadError { line, why }) => {
                            let at = if line > 0 { format!(":{line}:") } else { String::new() };
                            fail(span.clone(), format!("code file {}{at} {why}", files.display(name)));
                        }
                    }
                }
            }
        }
    }
    for claim in &raw.claims {
        for why in check_claim(claim.get_ref(), raw.kernel.get_ref()) {
            fail(claim.span(), why);
        }
    }
    if before.get() > 0 {
        return None;
    }
    let kernel = kernel?;
    Some(Lesson {
        id: id.clone(),
        title: raw.title.clone(),
        file: raw.file.get_ref().clone(),
        text,
        kernel: kernel.id().to_string(),
        size: raw.size.as_ref().map_or_else(|| kernel.default_size(), |s| *s.get_ref()),
        params,
        backends: backends_list.clone(),
        selected,
        workers: raw.workers.as_ref().map(|w| w.get_ref().clone()),
        reps: raw.reps.unwrap_or(3),
        warmup: raw.warmup.unwrap_or(1),
        hints: raw.hints.clone(),
        exercises: raw.exercises.iter().map(|e| e.get_ref().exercise.clone()).collect(),
        optional_exercises: raw.exercises.iter().map(|e| e.get_ref().optional).collect(),
        minutes: raw.minutes.as_ref().map(|m| *m.get_ref()),
        optional: raw.optional,
        probe: None,
        claims: raw.claims.iter().map(|c| c.get_ref().clone()).collect(),
        files: course_files,
    })
}

/// Everything wrong with a code exercise's fields (its files are read by the loader).
fn check_code(code: &CodeExercise) -> Vec<String> {
    let mut problems = Vec::new();
    if !code::valid_file_name(&code.file) {
        problems.push(format!(
            "file '{}' must be a plain file name ending in .py (letters, digits, - _ .), the name it gets in the workspace",
            code.file
        ));
    }
    if !code.expect.is_finite() {
        problems.push("expect must be a finite number".into());
    }
    if !code.tolerance.is_finite() || code.tolerance < 0.0 {
        problems.push(format!("tolerance {} must be 0 or more", code.tolerance));
    }
    match code.criterion {
        CodeCriterion::Speedup if code.min_speedup.is_some_and(|s| !(s > 0.0 && s.is_finite())) => {
            problems.push("min_speedup must be a positive number".into())
        }
        CodeCriterion::MaxTime if !code.max_time.is_some_and(|t| t > 0.0 && t.is_finite()) => {
            problems.push("criterion max_time needs max_time, a positive number of seconds".into())
        }
        _ => {}
    }
    if code.min_speedup.is_some() && code.criterion != CodeCriterion::Speedup {
        problems.push("min_speedup only applies to criterion speedup".into());
    }
    if code.max_time.is_some() && code.criterion != CodeCriterion::MaxTime {
        problems.push("max_time only applies to criterion max_time".into());
    }
    if let Some(module) = &code.needs
        && (module.is_empty() || !module.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
    {
        problems.push(format!("needs '{module}' is not a Python module name"));
    }
    problems
}

/// Checks that `params` are parameters of `kernel` or of one of `backends`, with values
/// they accept (by building the workload at `size` and asking each backend).
fn check_params(
    kernel: &dyn kernels::Kernel,
    backends: &[String],
    params: &BTreeMap<String, String>,
    size: u64,
) -> Result<(), String> {
    for (key, value) in params.iter().filter(|(key, _)| names_a_path(key)) {
        inside_course(value).map_err(|why| {
            format!(
                "parameter {key} = \"{value}\" {why}: a course may only name paths inside the folder parlab runs in (give a relative path)"
            )
        })?;
    }
    let chosen: Vec<&dyn backends::Backend> = backends.iter().filter_map(|b| backends::find(b)).collect();
    let known: Vec<&str> =
        kernel.params().iter().chain(chosen.iter().flat_map(|b| b.params())).map(|p| p.key).collect();
    for key in params.keys() {
        if !known.contains(&key.as_str()) {
            return Err(format!(
                "parameter '{key}' is not one of kernel '{}' or of backends {}; valid parameters: {}",
                kernel.id(),
                backends.join(", "),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ));
        }
    }
    let spec =
        kernels::KernelSpec { kernel: kernel.id().to_string(), size: size.max(1), seed: 42, params: params.clone() };
    for backend in &chosen {
        backend.validate(&spec).map_err(|e| e.to_string())?;
    }
    // Only the kernel's own parameters decide whether it builds; building checks their values.
    let own: BTreeMap<String, String> = params
        .iter()
        .filter(|(k, _)| kernel.params().iter().any(|p| p.key == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !own.is_empty() {
        kernel.check(&kernels::KernelSpec { params: own, ..spec }).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Everything wrong with a predict exercise, judged by the figure model the Exercises
/// screen measures it with.
fn check_prediction(predict: &Predict, offered: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut problems = Vec::new();
    let figure = predict.figure();
    if !offered(&predict.backend) {
        problems.push(format!("backend '{}' is not one of this lesson's backends", predict.backend));
    }
    problems.extend(figure.problems().into_iter().filter(|why| !why.starts_with("unknown backend")));
    if !figure.metric.is_measured() {
        return problems;
    }
    match predict.tolerance {
        Some(t) if t.is_nan() || t < 0.0 => problems.push(format!("tolerance {t} must be 0 or more")),
        None if figure.metric.about().default_tolerance.is_none() => problems
            .push(format!("metric {} has no default tolerance for a prediction: give `tolerance`", figure.metric)),
        _ => {}
    }
    problems
}

/// Everything wrong with one claim of a lesson whose kernel is `lesson_kernel`.
fn check_claim(claim: &Claim, lesson_kernel: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let what = if claim.text.is_empty() { "claim".to_string() } else { format!("claim '{}'", claim.text) };
    match (claim.op, claim.tolerance) {
        (Op::Near, None) => problems.push(format!("{what}: op '~=' needs a tolerance")),
        (Op::Near, Some(t)) if t.is_nan() || t < 0.0 => {
            problems.push(format!("{what}: tolerance {t} must be 0 or more"))
        }
        (op, Some(_)) if op != Op::Near => {
            problems.push(format!("{what}: tolerance only applies to op '~=', not '{}'", op.symbol()))
        }
        _ => {}
    }
    if !claim.value.is_finite() {
        problems.push(format!("{what}: value must be a finite number"));
    }
    if claim.min_cpus == Some(0) {
        problems.push(format!("{what}: min_cpus must be at least 1"));
    }
    if let (Some(min), Some(max)) = (claim.min_cpus, claim.max_cpus)
        && min > max
    {
        problems.push(format!("{what}: min_cpus {min} is above max_cpus {max}, so it would never be checked"));
    }
    if !claim.metric.is_measured() {
        if claim.versus.is_some() {
            problems.push(format!("{what}: metric {} cannot have a versus measurement", claim.metric));
        }
        if let Some(list) = &claim.taskset
            && (list.is_empty() || !list.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '-'))
        {
            problems.push(format!("{what}: taskset '{list}' is not a CPU list such as 0 or 0,2-3"));
        }
        return problems;
    }
    if claim.taskset.is_some() {
        problems.push(format!("{what}: taskset only applies to metric pool_cpus"));
    }
    if claim.backend.is_none() {
        problems.push(format!("{what}: give the backend measured"));
    }
    if claim.workers.is_none() {
        problems.push(format!("{what}: give the worker count measured"));
    }
    for (index, (m, figure)) in claim.figures(lesson_kernel).into_iter().enumerate() {
        let prefix = if index == 0 { "" } else { "versus: " };
        if index > 0 && !figure.metric.is_measured() {
            problems.push(format!("{what}: versus: metric {} cannot be compared", figure.metric));
            continue;
        }
        let Some(kernel) = kernels::find(&m.kernel) else {
            problems.push(format!(
                "{what}: {prefix}unknown kernel '{}'; valid kernels: {}",
                m.kernel,
                kernels::ids().join(", ")
            ));
            continue;
        };
        if m.backend.is_empty() {
            continue;
        }
        let figure_problems = figure.problems();
        let unknown_backend = backends::find(&m.backend).is_none();
        for why in figure_problems {
            problems.push(format!("{what}: {prefix}{why}"));
        }
        if unknown_backend {
            continue;
        }
        if m.size == Some(0) {
            problems.push(format!("{what}: {prefix}size must be at least 1"));
        }
        let size = m.size.unwrap_or_else(|| kernel.small_size()).min(kernel.small_size().max(1));
        if let Err(why) = check_params(kernel, std::slice::from_ref(&m.backend), &m.params, size) {
            problems.push(format!("{what}: {prefix}{why}"));
        }
    }
    problems
}
