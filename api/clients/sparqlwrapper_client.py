"""Les produits du cours et leur licence, avec SPARQLWrapper (pip install SPARQLWrapper)."""

from SPARQLWrapper import JSON, SPARQLWrapper

ENDPOINT = "http://127.0.0.1:8000/sparql"
QUERY = """
PREFIX vkg: <https://w3id.org/virtukg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?produit ?licence WHERE {
  ?p a vkg:Product ; skos:prefLabel ?produit ; vkg:licence ?l .
  ?l skos:prefLabel ?licence .
} ORDER BY ?produit
"""

endpoint = SPARQLWrapper(ENDPOINT)
endpoint.setQuery(QUERY)
endpoint.setReturnFormat(JSON)
results = endpoint.queryAndConvert()
for row in results["results"]["bindings"]:
    print(row["produit"]["value"], row["licence"]["value"], sep="\t")
