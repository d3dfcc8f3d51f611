"""The purchasing agent portal, one module per page topic. Every view resolves its order or seat
through ``seats.access``, so a foreign id is a 404 like a missing one."""
