//! [`LocaleMap`]: a small map keyed by locale, sorted like a `BTreeMap`.
//!
//! Records and articles hold one entry per locale they are written in (one to
//! a dozen). A `BTreeMap` allocates a node for eleven entries whatever it
//! holds: for 21k records of the corpus that was 53 MB, over a third of the
//! loaded knowledge base. A sorted vector holds exactly what is there.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Locale;

/// Values by locale, iterated in locale order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocaleMap<T>(Vec<(Locale, T)>);

impl<T> Default for LocaleMap<T> {
    fn default() -> Self {
        LocaleMap(Vec::new())
    }
}

impl<T> LocaleMap<T> {
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, locale: &Locale) -> Result<usize, usize> {
        self.0.binary_search_by(|(l, _)| l.cmp(locale))
    }

    /// Sets the value for `locale`, returning the one it replaces.
    pub fn insert(&mut self, locale: Locale, value: T) -> Option<T> {
        match self.position(&locale) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (locale, value));
                None
            }
        }
    }

    pub fn get(&self, locale: &Locale) -> Option<&T> {
        self.position(locale).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, locale: &Locale) -> Option<&mut T> {
        self.position(locale).ok().map(|i| &mut self.0[i].1)
    }

    pub fn get_key_value(&self, locale: &Locale) -> Option<(&Locale, &T)> {
        self.position(locale).ok().map(|i| (&self.0[i].0, &self.0[i].1))
    }

    pub fn contains_key(&self, locale: &Locale) -> bool {
        self.position(locale).is_ok()
    }

    pub fn remove(&mut self, locale: &Locale) -> Option<T> {
        self.position(locale).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Locale, &T)> + ExactSizeIterator {
        self.0.iter().map(|(l, v)| (l, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&Locale, &mut T)> + ExactSizeIterator {
        self.0.iter_mut().map(|(l, v)| (&*l, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Locale> + ExactSizeIterator {
        self.0.iter().map(|(l, _)| l)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Frees spare capacity once the map is complete.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl<T> FromIterator<(Locale, T)> for LocaleMap<T> {
    fn from_iter<I: IntoIterator<Item = (Locale, T)>>(iter: I) -> Self {
        let mut map = LocaleMap::new();
        for (l, v) in iter {
            map.insert(l, v);
        }
        map
    }
}

impl<'a, T> IntoIterator for &'a LocaleMap<T> {
    type Item = (&'a Locale, &'a T);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Locale, T)>, fn(&'a (Locale, T)) -> (&'a Locale, &'a T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(l, v)| (l, v))
    }
}

impl<T> IntoIterator for LocaleMap<T> {
    type Item = (Locale, T);
    type IntoIter = std::vec::IntoIter<(Locale, T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// `map[&locale]`, as on a `BTreeMap`: panics when the locale is missing.
impl<T> std::ops::Index<&Locale> for LocaleMap<T> {
    type Output = T;

    fn index(&self, locale: &Locale) -> &T {
        self.get(locale).unwrap_or_else(|| panic!("no entry for locale {locale}"))
    }
}

/// Serialized as a JSON object keyed by locale, as the `BTreeMap` was.
impl<T: Serialize> Serialize for LocaleMap<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (l, v) in &self.0 {
            map.serialize_entry(l, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(tag: &str) -> Locale {
        Locale::parse(tag).expect("locale")
    }

    #[test]
    fn keeps_locale_order_and_replaces_values() {
        let mut map = LocaleMap::new();
        assert_eq!(map.insert(loc("pl-pl"), 1), None);
        assert_eq!(map.insert(loc("de-de"), 2), None);
        assert_eq!(map.insert(loc("zh-cn"), 3), None);
        assert_eq!(map.insert(loc("de-de"), 4), Some(2));
        let keys: Vec<&str> = map.keys().map(Locale::as_str).collect();
        assert_eq!(keys, ["de-de", "pl-pl", "zh-cn"]);
        assert_eq!(map.get(&loc("de-de")), Some(&4));
        assert!(map.get(&loc("sv-se")).is_none() && !map.contains_key(&loc("sv-se")));
        assert_eq!(map.remove(&loc("pl-pl")), Some(1));
        assert_eq!(map.len(), 2);
        assert_eq!(serde_json::to_string(&map).expect("json"), r#"{"de-de":4,"zh-cn":3}"#);
    }
}
