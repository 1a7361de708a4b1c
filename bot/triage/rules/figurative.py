"""Figurative and everyday masks: idioms ("me muero de risa"), jokes, games, songs, and everyday
contexts (medicine for a cold, a cut while cooking, a knock in a match) whose alarming words are
masked out before the disclosure patterns run, and reported as the "figurative" or "everyday"
guard.
"""

from __future__ import annotations

import re

from bot.triage.rules.patterns import _MEDICAL_CONTEXT
from bot.triage.rules.prefilter import may_match
from bot.triage.rules.vocabulary import _alt

# fmt: off
_DEATH_WORD = _alt(
    r"morir", r"morirme", r"morirse", r"muero", r"muere", r"morimos", r"mori", r"muriendo",
    r"muert[oa]s?", r"matar", r"matarme", r"mato", r"mata", r"desaparecer", r"explotar",
    r"explota", r"explotando", r"mate",
)
# fmt: on
# fmt: off
_FIGURATIVE_CAUSE = _alt(
    r"risa", r"hambre", r"sueno", r"aburrimiento", r"aburrid\w*", r"verguenza", r"pena",
    r"calor", r"frio", r"cansancio", r"ganas", r"envidia", r"amor", r"nervios", r"sed",
    r"pereza", r"ternura", r"emocion", r"felicidad", r"alegria", r"gusto", r"asco", r"colera",
    r"celos", r"curiosidad", r"estres", r"tanto estudiar", r"tanta tarea", r"tanto trabajo",
    r"ansias", r"lo lindo", r"lo bonito", r"lo cute", r"la risa", r"la verguenza", r"la pena",
    r"el aburrimiento", r"el cansancio", r"el calor", r"el frio", r"el hambre", r"el sueno",
    r"los nervios", r"la emocion", r"las ganas",
)
# fmt: on
# fmt: off
_SCHOOL_TROUBLE = _alt(
    r"nota", r"notas", r"examen\w*", r"boleta", r"prueba", r"quiz", r"materia", r"pierdo",
    r"perdi", r"pierda", r"repruebo", r"reprobe", r"repruebe", r"jalo", r"me jale",
    r"me quedo", r"tarde", r"cuarto", r"tarea", r"uniforme", r"celular", r"cel", r"plata del bus",
    r"platos", r"trastes", r"compu", r"tele", r"partido", r"olvid\w*", r"rompi", r"rompo",
    r"rompa", r"cuaderno", r"carro", r"llaves", r"mate", r"promedio", r"bote", r"perdo",
    r"gaste", r"gasto", r"desorden", r"regue", r"quemo la comida", r"queme",
)
# fmt: on
# fmt: off
_INANIMATE = _alt(
    r"examen\w*", r"quiz", r"prueba", r"parcial", r"tarea", r"practica", r"materia",
    r"mate", r"matematicas?", r"fisica", r"quimica", r"calculo", r"partido", r"juego",
    r"nivel", r"boss", r"jefe final", r"equipo", r"liga", r"saprissa", r"herediano",
    r"cartagines", r"clase", r"semestre", r"horario", r"lunes", r"semana", r"vida", r"calor",
    r"frio", r"trafico", r"presa", r"fila", r"profe de \w+ con (?:el|ese) examen",
)
# fmt: on

# What amuses or moves: "me morí con ese meme" is laughter, never death.
# fmt: off
_MEDIA_NOUN = _alt(
    r"memes?", r"chistes?", r"videos?", r"canciones", r"cancion", r"series?", r"final",
    r"capitulos?", r"peliculas?", r"novelas?", r"comentarios?", r"audios?", r"tiktoks?",
    r"reels?", r"stickers?", r"outfits?", r"bailes?", r"jugadas?", r"goles", r"gol",
    r"concierto", r"temporada", r"episodios?", r"trailer", r"coreografia", r"respuesta",
    r"historia de insta\w*", r"post", r"foto de perfil", r"cara que puso", r"broma",
)
# fmt: on

# Jokes, games, memes and crushes: everyday talk that borrows the words of harm.
_NOT_JOKING = (
    r"(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto|ya no puedo"
    r"|no quiero vivir|vivir|nadie|pastillas|cortarme|matarme|suicid\w*|despedir\w*"
    r"|todos los dias|cada dia|fotos?|packs?|nudes|desnud\w*|amenaz\w*|me pega\w*|me toca\w*"
    r"|plata|regal\w+)\b)"
)
_LAUGH = r"(?=.*\b(?:ja(?:ja)+|js(?:js)+|je(?:je)+|xd+|lol)\b)"
# A crush's silence only: school stress with "me quiero morir" and no laughter stays a
# disclosure ("mañana tengo examen y me quiero morir").
# fmt: off
_TRIVIAL_SORROW = _alt(
    r"(?:me |nos )?dej\w* en visto", r"en visto", r"historia con otr[oa]",
    r"no me (?:contesta|contesto|responde|respondio)",
)
# fmt: on
# fmt: off
_GAME = _alt(
    r"among us", r"amongus", r"minecraft", r"roblox", r"free ?fire", r"freefire", r"fortnite",
    r"fifa", r"gta", r"brawl stars", r"clash royale", r"call of duty", r"warzone", r"valorant",
    r"pubg", r"el juego", r"la partida", r"el server", r"el servidor", r"el mapa", r"el lobby",
    r"la ranked",
)
# fmt: on
_GAME_VIOLENCE = (
    r"(?:\w+ ){0,2}?(?:matar|mato|mate|matamos|maten|matan|mataron|matando|encerr\w+|encierr\w+"
    r"|secuestr\w+|dispar\w+)"
)
# fmt: off
_RETURNABLE = _alt(
    r"lapicero", r"lapiz", r"borrador", r"cuaderno", r"calculadora", r"cargador", r"audifonos",
    r"libro", r"sueter", r"jacket", r"blusa", r"camisa", r"ropa", r"control", r"juego", r"regla",
    r"marcadores?", r"colores", r"tajador", r"botella", r"gorra", r"tenis", r"cable", r"compas",
    r"tarea", r"resumen", r"apuntes", r"maquillaje", r"peine", r"secadora",
)
# fmt: on
# fmt: off
_OUTING = _alt(
    r"mall", r"multiplaza", r"cine", r"helados?", r"pizza", r"compras", r"pasear", r"soda",
    r"mc ?donalds", r"kfc", r"cafe", r"lincoln", r"city mall", r"karaoke", r"bolos",
    r"mega ?super", r"comer", r"tomar algo",
)
# fmt: on
_PLAYFUL: tuple[str, ...] = (
    # "me dejó en visto, me quiero morir": a crush's silence, not a wish to die.
    # Only the named part is masked; the check for seriousness spans the whole message.
    r"^" + _NOT_JOKING + r".*?\b(?P<mask>" + _TRIVIAL_SORROW + r"(?: \w+){0,3}?(?: ,)? (?:y )?"
    r"(?:me quiero morir|quiero morirme|me muero|me voy a morir))\b",
    r"^" + _NOT_JOKING + r".*?\b(?P<mask>me quiero morir|quiero morirme|me muero)\b(?=(?: ,)?"
    r"(?: \w+){0,8}? " + _TRIVIAL_SORROW + r"\b)",
    # "en among us los voy a matar", "me encerraron en el mapa de roblox"
    r"\b(?:en|jugando|jugamos|jugar) (?:al |el |la |a )?"
    + _GAME
    + r"\b(?: \w+){0,5}? "
    + _GAME_VIOLENCE
    + r"\b",
    r"\b" + _GAME_VIOLENCE + r"\b(?: \w+){0,4}? (?:en|de|del) (?:el |la |una |un )?(?:mapa |server"
    r" |servidor |partida |juego |nivel |lobby |mundo )?(?:de )?" + _GAME + r"\b",
    r"\b(?:me toco|me salio|soy|fui|sali|quede) (?:de |ser )?(?:el |la )?impostor\b",
    # "mis amigas me secuestraron para ir al mall"
    r"\b(?:(?:me|nos|la|lo|las|los|te) )?secuestr\w+(?: a (?:la |el |mi |mis )?\w+)? (?:para|pa)"
    r" (?:\w+ ){0,3}?" + _OUTING + r"\b",
    r"\bmemes?\b(?: \w+){0,6}? (?:lo |la |los |las )?(?:secuestr\w+|mat\w+|encerr\w+)\b",
    # "me va a matar si no le devuelvo el lapicero jaja"
    r"\b(?:me|nos) (?:va|van) a (?:matar|asesinar|colgar) si (?:no )?(?:le |les )?(?:devuelvo"
    r"|devolvemos|regreso|paso|presto|devuelva) (?:el|la|los|las|su|sus|mi|mis) (?:\w+ )?"
    + _RETURNABLE
    + r"\b"
    + _LAUGH,
    r"\b(?:me|nos) (?:va|van) a (?:matar|asesinar|colgar) si (?:se entera|se da cuenta|ve|sabe)"
    r" (?:de )?que (?:me puse|use|agarre|me comi|me tome|rompi|perdi|le quite|le agarre|le use"
    r"|le rompi|le perdi|le manche|manche) (?:su|sus|la|el|los|las) \w+" + _LAUGH,
    r"\b(?:me|nos) hicieron una broma y (?:me|nos) encerraron\b(?: \w+){0,6}" + _LAUGH,
    # A song's words, and the tune that will not leave one's head.
    r"\b(?:cancion|letra|rola|coro)\b(?: \w+){0,3}? dice (?:que )?(?:\w+ ){0,6}?(?:matar|morir"
    r"|mato|muero|muera)\b(?: de \w+)?",
    r"\b(?:y )?no me (?:la|lo) (?:saco|puedo sacar) de la cabeza\b",
)

_FIGURATIVE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # "me muero de risa", "me quiero morir de la vergüenza", "estoy muerto del cansancio"
        r"(?:\b(?:me|nos|se) )?(?:\b(?:quiero|quiere|queria|voy a|va a|estoy|esta|estaba|casi"
        r"|estamos) )?\b" + _DEATH_WORD + r" (?:de la|de lo|de los|de las|del|de|con la|por la)"
        r" " + _FIGURATIVE_CAUSE + r"\b",
        # "me va a matar si pierdo", "mi mamá me mata cuando vea las notas"
        r"\b(?:me|nos) (?:va|van|iba|iban) a (?:matar|asesinar|colgar|ahorcar|pegar) (?:si|cuando"
        r"|porque|por) (?:\w+ ){0,6}?" + _SCHOOL_TROUBLE + r"\b",
        r"\b(?:me|nos) (?:mata|matan) (?:si|cuando) (?:\w+ ){0,6}?" + _SCHOOL_TROUBLE + r"\b",
        # "me mata este calor", "esta tarea me está matando"
        r"\bme (?:mata|matan|esta matando|estan matando|va a matar) (?:este|esta|el|la|ese|esa"
        r"|tanto|tanta|de) (?:calor|frio|tarea|examen|clase|profe|materia|trafico|presa|fila"
        r"|dolor de cabeza|dolor|sueno|hambre|risa|cole|u|semana|horario|cansancio|mate"
        r"|matematica|fisica|quimica|estres|ansiedad de los examenes)\w*",
        r"\b(?:este|esta|el|la|ese|esa|tanta|tanto) " + _INANIMATE + r" (?:me|nos)"
        r" (?:mata|matan|esta matando|va a matar|tiene muert[oa])\b",
        # "me explota con tanta tarea"
        r"\b(?:me|nos) (?:explota|explotan|va a explotar|esta explotando) (?:la cabeza"
        r"|el cerebro|con (?:tanta|tanto|tantas|tantos|la|el|las|los|esta|este) \w+)",
        # "me secuestraron el cel"
        r"\b(?:me|nos|le) (?:secuestr\w+|rob\w+|confisc\w+) (?:el|la|los|las|mi|mis|su|sus)"
        r" (?:cel|celular|telefono|compu|computadora|tablet|lapiz|lapicero|cuaderno|comida"
        r"|merienda|silla|control|cargador|audifonos|novio|novia|asiento|puesto|lugar|pelota"
        r"|bola|bici|cuenta|tiempo|mejor amig\w*|play|switch|wifi|clave|papitas|confites)\b",
        r"\bsecuestr\w+ (?:el|la|mi|los|las) (?:cel|celular|telefono|compu|tablet|control|play"
        r"|switch|wifi)\b",
        r"\b(?:me|nos) tienen secuestrad[oa]s? (?:con|en) (?:la|el|tanta|tanto|las|los)"
        r" (?:tarea|cole|examen|examenes|estudio|trabajo|casa estudiando)\w*",
        # "qué trata tan mala" — trata as "deal/treatment", not trafficking
        r"\bque trata tan \w+",
        r"\b(?:esa|esta|una|la) trata (?:tan|muy|mas) \w+",
        # "ese examen me violó", "el partido nos violó"
        r"\b(?:el |ese |este |la |esa |esta )?" + _INANIMATE + r" (?:me|nos|lo|la|te)"
        r" (?:violo|violaron|violaba|viola|mato|mataron|destrozo|destruyo|secuestro|humillo"
        r"|pego|golpeo|reviento|sono)\b",
        r"\b(?:me|nos) (?:violaron|mataron|destrozaron|humillaron|reventaron|sonaron) en (?:el|la"
        r"|ese|esa) (?:examen|partido|juego|quiz|free|fortnite|ranked|torneo|mate|prueba|final"
        r"|mejenga)\b",
        r"\bnos (?:violaron|mataron|golearon|reventaron|sonaron) \d+ a \d+",
        # "me mato estudiando"
        r"\b(?:me (?:mato|mate|estoy matando|voy a matar|quiero matar)|matarme) (?:estudiando"
        r"|trabajando|entrenando|jugando|haciendo (?:la )?tarea|de risa|en el gym|en el gimnasio"
        r"|corriendo|de tanto estudiar)\b",
        # "me quiero matar con esta tarea"
        r"\bme (?:quiero|voy a) (?:morir|matar) (?:con|por) (?:esta|este|tanta|tanto|la|el|esa"
        r"|ese) (?:tarea|examen|calor|clase|fila|presa|trafico|materia|profe|mate|semana)\w*",
        r"\bque me trague la tierra\b",
        # "me morí con esa canción", "ese meme me mató": a song, a joke or a show overwhelms.
        r"\b(?:ya )?(?:me|nos) (?:mori|morimos|muero|mato|mataron|mata|matan) (?:con|de)"
        r" (?:el|la|los|las|ese|esa|este|esta|esos|esas|tu|su|sus) (?:\w+ )?" + _MEDIA_NOUN + r"\b",
        r"\b(?:el|la|los|las|ese|esa|este|esta|esos|esas|tu|su|sus) "
        + _MEDIA_NOUN
        + r" (?:\w+ ){0,3}?(?:me|nos) (?:mato|mata|mataron|matan)\b(?! (?:de miedo|a golpes))",
        r"\b(?:me|nos) (?:mato|mataron) (?:el|la|los|las|ese|esa|este|esta|tu|su) "
        + _MEDIA_NOUN
        + r"\b",
        # "el profe nos va a matar con el examen", "reprobé inglés y mi mamá me va a matar"
        r"\b(?:me|nos) (?:va|van|iba|iban) a (?:matar|morir) con (?:el|la|los|las|este|esta|ese|esa"
        r"|tanta|tanto|tantas|tantos) (?:examen\w*|tarea\w*|quiz|prueba\w*|practica\w*|proyecto\w*"
        r"|clase\w*|ejercicios|trabajos?|materia)\b",
        r"\b(?:reprobe|perdi|me jale|jale|me quede en|saque (?:un|una) \d+|choque|rompi|quebre"
        r"|bote|me fue mal en)\b(?: \w+){0,6}? (?:y|,|entonces) (?:mi \w+ |mis \w+ )?(?:me"
        r"|nos) (?:va|van) a (?:matar|colgar|ahorcar|asesinar)\b",
        # "me fue mal en la prueba, me quiero morir jajaja": hyperbole, unless said to be serious.
        r"^(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto"
        r"|ya no puedo)\b).*?\b(?:me fue mal|reprobe|perdi|me jale|saque (?:un|una) \d+"
        r"|me quede en)\b(?: \w+){0,6}? (?:, )?(?:y )?(?:me quiero morir|me muero"
        r"|quiero morirme)\b",
        r"^(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto"
        r"|ya no puedo)\b).*?\b(?:me quiero morir|quiero morirme"
        r"|me muero)\b(?: ,)?(?: \w+){0,3}? (?:se me (?:quedo|quedaron|olvido|olvidaron|cayo"
        r"|cayeron|perdio|rompio|acabo|fue el bus|paso el bus)|me (?:cai|equivoque|olvide"
        r"|dejo el bus|jale|confundi|tropece)|(?:perdi|deje) (?:el bus|las llaves|el cel"
        r"|el almuerzo|la tarea))\b(?: \w+){0,8}? (?:ja(?:ja)+|js(?:js)+|je(?:je)+|xd+|lol)\b",
        r"^(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto|ya no puedo)\b)"
        r".*?\b(?:examen\w*|prueba|quiz|tarea|practica|exposicion|bachillerato|materia|notas?)\b"
        r"(?: \w+){0,8}? (?:, )?(?:me quiero morir|quiero morirme|me muero)\b(?: \w+){0,3}?"
        r" (?:ja(?:ja)+|js(?:js)+|je(?:je)+|xd+|lol)\b",
        *_PLAYFUL,
    )
)

_SPORT = (
    r"(?:el |la |los |las |un |una )?(?:entreno|entrenamiento|practica|partido|mejenga|torneo"
    r"|juego de \w+|clase de (?:karate|judo|taekwondo|box\w*|futbol|natacion|educacion fisica)"
    r"|educacion fisica|karate|judo|taekwondo|boxeo|futbol|basket|basquet|voleibol|rugby"
    r"|combate|sparring|carrera)(?: de \w+)?"
)
_SPORT_INJURY = (
    r"(?:me|nos|se me) (?:pegaron|pego|golpearon|golpeo|dieron|dio|metieron|metio|doble|torci"
    r"|lastime|quebre|fracture|disloque|raspe|golpee|cai|pegue|jale|desgarre|reventaron"
    r"|revento|hincho)\b"
)
_INJURY_TAIL = (
    r"(?: (?:y|,) (?:me duele\w*(?: \w+){0,3}|tengo (?:un|una) (?:morado|moreton|moretones"
    r"|chichon|raspon|golpe|hinchazon)(?: \w+){0,2}|se me hincho (?:la|el) \w+|quede cojeando"
    r"|estoy cojeando))?"
)
_NOT_DELIBERATE = (
    r"(?!.*\b(?:entrenador\w*|coach|profe\w*|papa|mama|padrastro|a proposito|adrede|siempre"
    r"|todos los dias|castigo|amenaz\w*|no me deja\w*|me odia\w*)\b)"
)
# fmt: off
_ANIMAL = _alt(
    r"perr[oa]s?", r"perrit[oa]s?", r"gat[oa]s?", r"gatit[oa]s?", r"mascotas?", r"caballos?",
    r"vacas?", r"conejos?", r"pollitos?", r"loros?", r"hamster", r"tortugas?", r"chanchos?",
    r"zaguat\w+", r"pajarit[oa]s?", r"gallinas?", r"pericos?",
)
# fmt: on

# Everyday contexts that account for alarming words: medicine for a cold, a pet's cut, a cut
# while cooking.  Masked like figurative speech, and reported as the "everyday" frame.
_EVERYDAY: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:me|se) (?:tome|tomo|tomaba|tuve que tomar|tomaron) (?:\w+ ){0,2}?(?:pastillas?"
        r"|pildoras?|acetaminofen|ibuprofeno|antibioticos?|jarabe|medicinas?|remedios?"
        r"|antialergicos?)\b"
        r"(?: \w+){0,6}? (?:"
        + _MEDICAL_CONTEXT
        + r")(?:(?: \w+){0,3}? (?:y )?ya (?:estoy|me siento)"
        r" mejor)?",
        r"\b(?:mi |el |la |un |una |nuestro |nuestra )?(?:perr[oa]s?|perrit[oa]s?|gat[oa]s?"
        r"|gatit[oa]s?|mascotas?|caballo|vaca|conejo|pollito|loro|hamster|tortuga"
        r"|chancho)\b(?: \w+){0,2}? se (?:corto|corta|lastimo|quemo|golpeo|pego|cayo|quebro)\b",
        r"\bme (?:corte|queme) (?:\w+ ){0,3}?(?:picando|cocinando|pelando|planchando|con (?:un|una"
        r"|el|la) (?:papel|hoja|lata|cuchillo de cocina|plancha|olla|sarten|aceite))\b",
        r"\b(?:carta|fiesta|despedida|regalo) (?:de despedida )?(?:para|a) (?:la|el|mi|mis"
        r"|nuestr\w+) (?:profe\w*|maestr\w*|compan\w+|amig\w+|abuel\w+|director\w*|jefe|tia|tio"
        r"|prim\w+)\b",
        # Kept indoors at school for the weather or a drill.
        r"\bencerrad[oa]s? en (?:el|la) (?:aula|clase|escuela|cole|colegio|gimnasio|salon|comedor"
        r"|biblioteca|ascensor)\b(?: \w+){0,6}? (?:por|porque) (?:hay |habia |esta "
        r"|estaba )?(?:un |una |el |la )?(?:enjambre|abejas|lluvia|lloviendo|aguacero|tormenta"
        r"|temblor|simulacro)\b",
        # Hurt in a match or a training session, by a ball or another player, with no adult or
        # intent in the message: "me golpearon con la bola en el partido".
        r"^"
        + _NOT_DELIBERATE
        + r".*?\b(?:en|durante) "
        + _SPORT
        + r"(?: ,)? "
        + _SPORT_INJURY
        + r"(?: \w+){0,5}"
        + _INJURY_TAIL,
        r"^"
        + _NOT_DELIBERATE
        + r".*?\b"
        + _SPORT_INJURY
        + r"(?: \w+){0,5}? (?:en|durante) "
        + _SPORT
        + _INJURY_TAIL,
        # Somebody else hurt an animal: sad, but nobody in the message is harmed.
        r"\b(?:le|les) (?:pegaron|pego|pegan|pega|dieron|dio|tiraron|tiro|tiran|tiraban|patearon"
        r"|pateo|golpearon|golpeo|lanzaron)\b(?: \w+){0,3}? (?:a|al|a la|a los|a las)"
        r" (?:mi |mis |su |sus |el |la |los |las |un |una |unos )?"
        + _ANIMAL
        + r"\b(?: de (?:la|el|mi|mis|los) \w+)?(?! y a (?:mi|nosotr\w+))",
    )
)


def _mask_group(m: re.Match[str]) -> str:
    # Keep what the pattern only looked at; mask the figurative expression itself.
    start, end = m.start("mask") - m.start(), m.end("mask") - m.start()
    return m.group(0)[:start] + " ~ " + m.group(0)[end:]


def _mask_figurative(
    norm: str, patterns: tuple[re.Pattern[str], ...] = _FIGURATIVE
) -> tuple[str, bool]:
    found = False
    for pattern in patterns:
        if not may_match(pattern, norm):
            continue
        if "mask" in pattern.groupindex:
            norm, n = pattern.subn(_mask_group, norm)
        else:
            norm, n = pattern.subn(" ~ ", norm)
        found = found or n > 0
    return re.sub(r"\s+", " ", norm).strip(), found
