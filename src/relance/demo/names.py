"""Word lists the demo draws French-looking people, companies and places from.

They are invented combinations of common words: any resemblance to a real company is
a coincidence, which is why the SIRENs are random too.
"""

FIRST_NAMES = [
    "Camille", "Julien", "Sophie", "Nicolas", "Claire", "Thomas", "Émilie", "Antoine",
    "Léa", "Maxime", "Chloé", "Hugo", "Manon", "Louis", "Sarah", "Mathieu", "Pauline",
    "Romain", "Laura", "Guillaume", "Céline", "Alexandre", "Élodie", "Pierre", "Marion",
    "Vincent", "Aurélie", "François", "Nathalie", "Olivier", "Isabelle", "Sébastien",
    "Hélène", "Benoît", "Anne", "Jérôme", "Valérie", "Yannick", "Sandrine", "Luc",
]

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
    "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure",
    "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
]

# A company name is a stem, often followed by an activity, then a legal form.
NAME_STEMS = [
    "Arcadia", "Boréal", "Cèdre", "Delta", "Estuaire", "Falaise", "Granit", "Horizon",
    "Iroise", "Jura", "Kermor", "Lumière", "Mistral", "Nacre", "Occitane", "Pyrène",
    "Quartz", "Rivage", "Saône", "Tilleul", "Ubaye", "Vallon", "Vercors", "Yser",
    "Azur", "Belledonne", "Calanque", "Dordogne", "Émeraude", "Forez", "Garrigue",
    "Hautes Terres", "Ill", "Lavande", "Morvan", "Noirmoutier", "Opale", "Périgord",
    "Rhône", "Sologne", "Touraine", "Vosges", "Aubrac", "Brocéliande", "Cévennes",
    "Durance", "Gascogne", "Loire", "Camargue", "Ardèche", "Bocage", "Chartreuse",
]

ACTIVITIES = [
    "Bâtiment", "Logistique", "Distribution", "Industrie", "Services", "Conseil",
    "Transports", "Emballages", "Électricité", "Menuiserie", "Informatique", "Énergie",
    "Agroalimentaire", "Métallerie", "Maintenance", "Ingénierie", "Négoce", "Imprimerie",
    "Climatisation", "Nettoyage", "Travaux Publics", "Équipements", "Matériaux", "Santé",
]

FRENCH_FORMS = ["SAS", "SAS", "SAS", "SARL", "SARL", "SA", "SASU", "EURL", "SCOP"]

PUBLIC_BODIES = [
    "Commune de {city}", "Communauté d'agglomération de {city}", "Centre hospitalier de {city}",
    "Département {dept}", "Syndicat des eaux de {city}", "Lycée polyvalent de {city}",
]

STREET_KINDS = ["rue", "avenue", "boulevard", "allée", "chemin", "place", "quai", "impasse"]
STREET_NAMES = [
    "de la République", "Victor Hugo", "Jean Jaurès", "du Général de Gaulle", "Pasteur",
    "des Lilas", "de la Gare", "du Moulin", "Gambetta", "des Écoles", "de Verdun",
    "Nationale", "du Port", "des Tilleuls", "Voltaire", "de l'Industrie", "des Artisans",
    "Carnot", "de la Liberté", "du Commerce", "Jules Ferry", "Émile Zola",
]

# (city, postal code, department name for public bodies)
FRENCH_CITIES = [
    ("Paris", "75008", "de Paris"), ("Paris", "75011", "de Paris"),
    ("Lyon", "69003", "du Rhône"), ("Marseille", "13002", "des Bouches-du-Rhône"),
    ("Toulouse", "31000", "de la Haute-Garonne"), ("Nantes", "44000", "de Loire-Atlantique"),
    ("Bordeaux", "33000", "de la Gironde"), ("Lille", "59000", "du Nord"),
    ("Rennes", "35000", "d'Ille-et-Vilaine"), ("Strasbourg", "67000", "du Bas-Rhin"),
    ("Montpellier", "34000", "de l'Hérault"), ("Nice", "06000", "des Alpes-Maritimes"),
    ("Grenoble", "38000", "de l'Isère"), ("Dijon", "21000", "de la Côte-d'Or"),
    ("Angers", "49000", "de Maine-et-Loire"), ("Reims", "51100", "de la Marne"),
    ("Clermont-Ferrand", "63000", "du Puy-de-Dôme"), ("Tours", "37000", "d'Indre-et-Loire"),
    ("Limoges", "87000", "de la Haute-Vienne"), ("Rouen", "76000", "de la Seine-Maritime"),
    ("Nancy", "54000", "de Meurthe-et-Moselle"), ("Brest", "29200", "du Finistère"),
    ("Le Mans", "72000", "de la Sarthe"), ("Annecy", "74000", "de la Haute-Savoie"),
    ("Valence", "26000", "de la Drôme"), ("Pau", "64000", "des Pyrénées-Atlantiques"),
    ("Nanterre", "92000", "des Hauts-de-Seine"), ("Créteil", "94000", "du Val-de-Marne"),
]

# Customers abroad: country, language of their reminders, cities, a legal form, streets.
# Customers of these countries are invoiced in their own currency (all others in euros).
CURRENCIES = {"CH": "CHF"}
# (day offset from the demo's date, units for one euro): ECB-like reference rates of the
# last business days, so that the dashboard converts what is open in francs.
REFERENCE_RATES = {"CHF": ((-1, "0.9391"), (-2, "0.9384"), (-3, "0.9402"), (-4, "0.9377"),
                           (-7, "0.9365"), (-8, "0.9359"))}

FOREIGN = {
    "BE": ("fr", [("Bruxelles", "1000"), ("Liège", "4000"), ("Namur", "5000")], "SRL",
           "rue", ["de la Loi", "Royale", "du Marché"]),
    "DE": ("en", [("Frankfurt am Main", "60311"), ("Köln", "50667"), ("München", "80331")],
           "GmbH", "", ["Hauptstraße", "Bahnhofstraße", "Industriestraße"]),
    "ES": ("en", [("Barcelona", "08001"), ("Madrid", "28001"), ("Valencia", "46001")], "S.L.",
           "Calle", ["Mayor", "de Alcalá", "del Mar"]),
    "IT": ("en", [("Milano", "20121"), ("Torino", "10121"), ("Genova", "16121")], "S.r.l.",
           "Via", ["Roma", "Garibaldi", "Dante"]),
    "CH": ("fr", [("Genève", "1201"), ("Lausanne", "1003")], "SA",
           "rue", ["du Rhône", "de Lausanne", "du Lac"]),
    "LU": ("fr", [("Luxembourg", "1111")], "S.à r.l.", "rue", ["de Hollerich", "du Fort"]),
}
