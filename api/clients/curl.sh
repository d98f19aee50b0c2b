#!/bin/sh
# Les produits du cours et leur licence, en CSV, avec curl.
curl --silent --show-error --fail \
  --header 'Accept: text/csv' \
  --data-urlencode 'query=
PREFIX vkg: <https://w3id.org/virtukg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?produit ?licence WHERE {
  ?p a vkg:Product ; skos:prefLabel ?produit ; vkg:licence ?l .
  ?l skos:prefLabel ?licence .
} ORDER BY ?produit' \
  http://127.0.0.1:8000/sparql
