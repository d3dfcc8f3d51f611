"""The shop: the catalog, checkout under the store's purchasing rules, payment, and a paid retail
order's seat going to its buyer."""
