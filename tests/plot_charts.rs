//! Charts from fixed results: SVG snapshots (text, so a diff shows what moved) and PNG
//! checks (decodes, has the asked size, is not blank, has text drawn with the embedded
//! font). Set PARLAB_PLOT_PREVIEW=DIR to also write every chart there as PNG at 800 x 500
//! and 1600 x 1000 for a look.

mod plot_common;

use parlab::plot::{Chart, Distribution, Format, Heatmap, TimeScale};

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("a PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// Share of pixels in rows `rows` that are not white.
fn ink(width: u32, pixels: &[u8], rows: std::ops::Range<u32>) -> f64 {
    let row_bytes = width as usize * 3;
    let slice = &pixels[rows.start as usize * row_bytes..rows.end as usize * row_bytes];
    let dark = slice.chunks(3).filter(|p| p.iter().any(|&c| c < 200)).count();
    dark as f64 / (slice.len() / 3) as f64
}

fn preview(name: &str, chart: &Chart<'_>) {
    let Ok(dir) = std::env::var("PARLAB_PLOT_PREVIEW") else { return };
    std::fs::create_dir_all(&dir).unwrap();
    for size in [(800, 500), (1600, 1000)] {
        let bytes = chart.to_png(size).unwrap();
        std::fs::write(format!("{dir}/{name}-{}x{}.png", size.0, size.1), bytes).unwrap();
    }
}

fn check(name: &str, chart: Chart<'_>) {
    preview(name, &chart);
    let svg = chart.to_svg((800, 500)).unwrap();
    assert!(svg.starts_with("<svg"), "{name}: not an SVG");
    insta::assert_snapshot!(name, svg);
    for (width, height) in [(800, 500), (1600, 1000)] {
        let (w, h, pixels) = decode(&chart.to_png((width, height)).unwrap());
        assert_eq!((w, h), (width, height), "{name}");
        let body = ink(w, &pixels, h / 5..h * 4 / 5);
        assert!(body > 0.02 && body < 0.9, "{name} {width}x{height}: {:.1} % of the body is ink", body * 100.0);
        // The title is text: it can only be there if the embedded font drew it.
        let title = ink(w, &pixels, 0..h / 14);
        assert!(title > 0.005, "{name} {width}x{height}: no title text ({:.2} % ink)", title * 100.0);
    }
}

#[test]
fn speedup_small() {
    check("speedup_small", Chart::Speedup(&plot_common::small()));
}

#[test]
fn speedup_wide() {
    check("speedup_wide", Chart::Speedup(&plot_common::wide()));
}

#[test]
fn efficiency_small() {
    check("efficiency_small", Chart::Efficiency(&plot_common::small()));
}

#[test]
fn efficiency_wide() {
    check("efficiency_wide", Chart::Efficiency(&plot_common::wide()));
}

#[test]
fn time_small_linear() {
    check("time_small_linear", Chart::Time(&plot_common::small(), TimeScale::Linear));
}

#[test]
fn time_wide_log_log() {
    let report = plot_common::wide();
    assert_eq!(TimeScale::auto(&report), TimeScale::LogLog);
    check("time_wide_log_log", Chart::Time(&report, TimeScale::LogLog));
}

#[test]
fn walk_heatmap() {
    let report = plot_common::walk(7);
    let map = Heatmap::from_report(&report).expect("the walk outcome is a square histogram");
    assert_eq!(map.bins, 7);
    check("walk_heatmap", Chart::Heatmap(&map));
    // The full-size one (41 x 41) is drawn too, without a snapshot (it is large).
    let report = plot_common::walk(41);
    let map = Heatmap::from_report(&report).unwrap();
    preview("walk_heatmap_41", &Chart::Heatmap(&map));
    assert!(map.counts.len() == 41 * 41);
}

#[test]
fn no_heatmap_without_a_square_histogram() {
    assert!(Heatmap::from_report(&plot_common::small()).is_none());
}

#[test]
fn histogram_of_counts() {
    check("histogram_counts", Chart::Histogram(&plot_common::race_counts()));
}

#[test]
fn histogram_of_times() {
    let values: Vec<f64> = (0..50u32).map(|i| 0.8 + f64::from(i * 7 % 13) * 0.01).collect();
    let distribution = Distribution {
        title: "Run times over 50 repetitions".into(),
        subtitle: String::new(),
        footer: String::new(),
        x_desc: "seconds".into(),
        values,
        marker: None,
    };
    check("histogram_times", Chart::Histogram(&distribution));
}

#[test]
fn a_chart_with_nothing_to_draw_says_why() {
    let report = plot_common::report(&[("threads", 0.1)], &[2], 2);
    assert!(!parlab::plot::has_scaling(&report));
    let svg = Chart::Speedup(&report).to_svg((800, 500)).unwrap();
    assert!(svg.contains("needs one backend measured at 1 worker"), "{svg}");
}

#[test]
fn render_picks_the_format() {
    let report = plot_common::small();
    let png = Chart::Speedup(&report).render(Format::Png, (400, 250)).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let svg = Chart::Speedup(&report).render(Format::Svg, (400, 250)).unwrap();
    assert!(svg.starts_with(b"<svg"));
}

#[test]
fn markdown_report() {
    use parlab::export::markdown::{Image, to_markdown};
    let images = [Image { path: "speedup.png".into(), caption: "Speedup vs workers".into() }];
    insta::assert_snapshot!("report_md", to_markdown(&plot_common::small(), &images));
}

#[test]
fn bundle_never_overwrites_without_force() {
    use parlab::export::bundle::{write_bundle, write_bundle_fresh};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("results");
    let report = plot_common::small();
    let written = write_bundle(&report, &dir, false).unwrap();
    let names: Vec<String> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "results.json",
            "results.csv",
            "report.md",
            "speedup.png",
            "speedup.svg",
            "efficiency.png",
            "efficiency.svg",
            "time.png",
            "time.svg"
        ]
    );
    std::fs::write(dir.join("report.md"), "edited by hand").unwrap();
    let error = write_bundle(&report, &dir, false).unwrap_err().to_string();
    assert!(error.contains("already exist") && error.contains("--force"), "{error}");
    assert_eq!(std::fs::read_to_string(dir.join("report.md")).unwrap(), "edited by hand");
    write_bundle(&report, &dir, true).unwrap();
    assert!(std::fs::read_to_string(dir.join("report.md")).unwrap().starts_with("# parlab report"));

    let (used, _) = write_bundle_fresh(&report, &dir).unwrap();
    assert_eq!(used, tmp.path().join("results-2"));
}

#[test]
fn weak_scaling_charts_draw_the_gustafson_line() {
    let report = plot_common::weak(0.2);
    let fit = report.fit_of("threads").expect("a Gustafson fit");
    assert_eq!(fit.law, parlab::measure::Law::Gustafson);
    assert!((fit.serial_fraction - 0.2).abs() < 0.02, "{fit:?}");
    let svg = String::from_utf8(Chart::Speedup(&report).render(Format::Svg, (800, 500)).unwrap()).unwrap();
    assert!(svg.contains("Gustafson fit s = 0.2"), "the legend names the Gustafson line");
    assert!(svg.contains("weak scaling"), "the legend and title say weak scaling");
    assert!(!svg.contains("Amdahl"), "no Amdahl curve on a weak-scaling chart");
    let efficiency = String::from_utf8(Chart::Efficiency(&report).render(Format::Svg, (800, 500)).unwrap()).unwrap();
    assert!(efficiency.contains("Gustafson fit"));
    let time =
        String::from_utf8(Chart::Time(&report, TimeScale::Linear).render(Format::Svg, (800, 500)).unwrap()).unwrap();
    assert!(time.contains("ideal (weak scaling)") && !time.contains("Amdahl"));
    // Both formats draw.
    Chart::Speedup(&report).to_png((800, 500)).unwrap();
}
