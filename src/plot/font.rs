//! The one font every chart uses: DejaVu Sans, embedded (licence in
//! assets/LICENSE-DejaVu), registered with plotters once per process.

use std::sync::Once;

use plotters::style::FontStyle;

/// DejaVu Sans, as shipped by the Debian package fonts-dejavu-core.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family name charts ask for.
pub const FAMILY: &str = "sans-serif";

static REGISTER: Once = Once::new();

/// Registers the embedded font under [`FAMILY`]; later calls do nothing.
pub fn register() {
    REGISTER.call_once(|| {
        // The bytes are a valid font (checked by the tests); if they were not, text
        // would fail to draw with a FontUnavailable error naming the cause.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS);
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_font_is_valid() {
        assert!(
            plotters::style::register_font("parlab-test", plotters::style::FontStyle::Normal, super::DEJAVU_SANS)
                .is_ok()
        );
    }
}
